# PodPilot images: one base per CUDA variant, one image per WebUI on each base.
#   docker buildx bake                 # default: base-cu128 + a1111-cu128, loaded locally
#   docker buildx bake apps            # every app on every variant
#   REGISTRY_CACHE=true docker buildx bake all --push
# Local settings (another owner, a registry mirror, pushing cache) go in docker-bake.override.hcl, which
# bake reads automatically when present: copy docker-bake.override.hcl.example. See docs/images.md.
#
# Tags: ${REGISTRY}/${OWNER}/podpilot/<name>:<variant>, e.g. ghcr.io/podpilot/podpilot/comfyui:cu124;
# the hub launches <PODPILOT_IMAGE_PREFIX>/<ui kind>:<variant> (per offer, or PODPILOT_IMAGE_VARIANT).

variable "REGISTRY" {
  default = "ghcr.io"
}

variable "OWNER" {
  default = "podpilot"
}

# Read and write a registry build cache (type=registry, mode=max) next to each image. Off by default:
# a local build uses the local BuildKit cache and needs no registry login.
variable "REGISTRY_CACHE" {
  default = false
}

# Also write the cache (needs push rights); `just bake-with-cache` sets it, `just bake-from-cache` does not.
variable "PUSH_CACHE" {
  default = false
}

variable "PYTHON_VERSION" {
  default = "3.10"
}

# Forge publishes no tags: set a 40-hex commit here for a reproducible release build.
variable "FORGE_VERSION" {
  default = "main"
}

# Everything pinned per CUDA variant. torch, torchvision, torchaudio and xformers come from the PyTorch
# index of the variant; xformers is the build made for exactly that torch.
variable "CUDA_VARIANTS" {
  default = {
    cu121 = {
      image       = "nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04"
      torch       = "2.3.1"
      torchvision = "0.18.1"
      torchaudio  = "2.3.1"
      xformers    = "0.0.27"
    }
    cu124 = {
      image       = "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04"
      torch       = "2.5.1"
      torchvision = "0.20.1"
      torchaudio  = "2.5.1"
      xformers    = "0.0.28.post3"
    }
    cu128 = {
      image       = "nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04"
      torch       = "2.7.1"
      torchvision = "0.22.1"
      torchaudio  = "2.7.1"
      xformers    = "0.0.31.post1"
    }
  }
}

# The pinned UI version of each app; must equal UI_KINDS[<kind>].defaultRef (e2e/images.test.ts checks).
variable "WEBUI_VERSIONS" {
  default = {
    a1111   = "v1.10.1"
    comfyui = "v0.3.68"
    forge   = "main"
    fooocus = "v2.5.5"
    kohya   = "v25.2.1"
  }
}

# The build cache lives in each image's own repository under a `<variant>-buildcache` tag
# (ref=<image>:<variant>-buildcache): on GHCR one package per image, with the same visibility and
# permissions, and never pulled by a provider. mode=max keeps every stage's layers, so a change late in the
# Dockerfile still reuses the torch layers from the cache.

group "default" {
  targets = ["base-cu128", "a1111-cu128"]
}

group "bases" {
  targets = ["base-cu121", "base-cu124", "base-cu128"]
}

group "apps" {
  targets = [
    "a1111-cu121", "a1111-cu124", "a1111-cu128",
    "comfyui-cu121", "comfyui-cu124", "comfyui-cu128",
    "forge-cu121", "forge-cu124", "forge-cu128",
    "fooocus-cu121", "fooocus-cu124", "fooocus-cu128",
    "kohya-cu121", "kohya-cu124", "kohya-cu128",
  ]
}

group "all" {
  targets = ["bases", "apps"]
}

target "_common" {
  context   = "."
  platforms = ["linux/amd64"]
  labels = {
    "org.opencontainers.image.source"   = "https://github.com/${OWNER}/podpilot"
    "org.opencontainers.image.licenses" = "MIT"
  }
}

target "base" {
  name       = "base-${cuda}"
  inherits   = ["_common"]
  matrix     = { cuda = ["cu121", "cu124", "cu128"] }
  dockerfile = "docker/Dockerfile.base"
  args = {
    CUDA_IMAGE          = CUDA_VARIANTS[cuda].image
    PYTHON_VERSION      = PYTHON_VERSION
    TORCH_INDEX_URL     = "https://download.pytorch.org/whl/${cuda}"
    TORCH_VERSION       = "${CUDA_VARIANTS[cuda].torch}+${cuda}"
    TORCHVISION_VERSION = "${CUDA_VARIANTS[cuda].torchvision}+${cuda}"
    TORCHAUDIO_VERSION  = "${CUDA_VARIANTS[cuda].torchaudio}+${cuda}"
    XFORMERS_VERSION    = CUDA_VARIANTS[cuda].xformers
  }
  labels = {
    "org.opencontainers.image.title" = "podpilot base (${cuda})"
  }
  tags = ["${REGISTRY}/${OWNER}/podpilot/base:${cuda}"]
  cache-from = REGISTRY_CACHE ? ["type=registry,ref=${REGISTRY}/${OWNER}/podpilot/base:${cuda}-buildcache"] : []
  cache-to = REGISTRY_CACHE && PUSH_CACHE ? [
    "type=registry,ref=${REGISTRY}/${OWNER}/podpilot/base:${cuda}-buildcache,mode=max,ignore-error=true",
  ] : []
}

target "app" {
  name       = "${app}-${cuda}"
  inherits   = ["_common"]
  matrix     = { app = ["a1111", "comfyui", "forge", "fooocus", "kohya"], cuda = ["cu121", "cu124", "cu128"] }
  dockerfile = "docker/apps/${app}/Dockerfile"
  # `FROM ${BASE_IMAGE}` resolves to the base target of the same variant, built in the same bake run.
  contexts = {
    podpilot-base = "target:base-${cuda}"
  }
  args = {
    BASE_IMAGE    = "podpilot-base"
    WEBUI_VERSION = app == "forge" ? FORGE_VERSION : WEBUI_VERSIONS[app]
  }
  labels = {
    "org.opencontainers.image.title" = "podpilot ${app} (${cuda})"
  }
  tags = ["${REGISTRY}/${OWNER}/podpilot/${app}:${cuda}"]
  cache-from = REGISTRY_CACHE ? ["type=registry,ref=${REGISTRY}/${OWNER}/podpilot/${app}:${cuda}-buildcache"] : []
  cache-to = REGISTRY_CACHE && PUSH_CACHE ? [
    "type=registry,ref=${REGISTRY}/${OWNER}/podpilot/${app}:${cuda}-buildcache,mode=max,ignore-error=true",
  ] : []
}
