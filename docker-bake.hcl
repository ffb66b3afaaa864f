# PodPilot images: one base per CUDA variant, one image per WebUI on each base.
#   docker buildx bake                 # default: base-cu128 + a1111-cu128, loaded locally
#   just bake all                      # bases first, then the apps, a few at a time (see the justfile)
#   PODPILOT_REGISTRY_CACHE=true docker buildx bake all --push
# Local settings (another owner, a registry mirror, pushing cache) go in docker-bake.override.hcl, which
# bake reads automatically when present: copy docker-bake.override.hcl.example. See docs/images.md.
#
# Every variable is prefixed PODPILOT_: bake lets an environment variable of the same name override a
# variable, and an unrelated PYTHON_VERSION or REGISTRY in the builder's environment must not leak in.
#
# Tags (see image_tags() below): ${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/<name>:<variant> (moving), plus
# :<variant>-<PODPILOT_VERSION> (immutable: the hub launches the tag of its own version) and, when
# PODPILOT_GIT_SHA is set (CI), :<variant>-<PODPILOT_GIT_SHA>.

variable "PODPILOT_REGISTRY" {
  default = "ghcr.io"
}

variable "PODPILOT_OWNER" {
  default = "podpilot"
}

# The project version (PODPILOT_VERSION in packages/common/src/version.ts; `just bake` passes it from there,
# and e2e/images-bake.test.ts checks this default equals it).
variable "PODPILOT_VERSION" {
  default = "0.1.0"
}

# The commit being built; CI sets it (e.g. PODPILOT_GIT_SHA=$GITHUB_SHA) for one more tag per image.
variable "PODPILOT_GIT_SHA" {
  default = ""
}

# Read and write a registry build cache (type=registry, mode=max) next to each image. Off by default:
# a local build uses the local BuildKit cache and needs no registry login.
variable "PODPILOT_REGISTRY_CACHE" {
  default = false
}

# Also write the cache (needs push rights); `just bake-with-cache` sets it, `just bake-from-cache` does not.
variable "PODPILOT_PUSH_CACHE" {
  default = false
}

# ---------------------------------------------------------------------------------------------------
# Every upstream version the images use, in this one place; the Dockerfiles declare their ARGs without a
# default (e2e/images-bake.test.ts checks). Last checked against upstream: PODPILOT_VERSIONS_CHECKED.

variable "PODPILOT_VERSIONS_CHECKED" {
  default = "2026-12-07"
}

# Ubuntu 22.04's own Python (A1111, Forge and Kohya want 3.10; Kohya needs < 3.12).
variable "PODPILOT_PYTHON_VERSION" {
  default = "3.10"
}

# pip 24.3.1: A1111's and Forge's CLIP build needs the legacy setup.py path that pip 25.3 removed.
# setuptools < 82: 82 removed pkg_resources, which that build imports. All three also go into the
# constraints file every later pip call uses (PIP_CONSTRAINT), build-isolation environments included.
variable "PODPILOT_PIP_VERSION" {
  default = "24.3.1"
}

variable "PODPILOT_SETUPTOOLS_VERSION" {
  default = "80.9.0"
}

variable "PODPILOT_WHEEL_VERSION" {
  default = "0.45.1"
}

# Node.js 22 LTS for the agent (the hub image's node:22 tag is in /Dockerfile). NODE_SHA256: the tarball's
# checksum from a trusted copy of SHASUMS256.txt; empty: checked against the release's SHASUMS256.txt.
variable "PODPILOT_NODE_VERSION" {
  default = "22.23.5"
}

variable "PODPILOT_NODE_SHA256" {
  default = ""
}

variable "PODPILOT_TAILSCALE_VERSION" {
  default = "1.86.2"
}

variable "PODPILOT_TAILSCALE_SHA256" {
  default = ""
}

# Python deps every UI needs (the base installs them once).
variable "PODPILOT_COMMON_PY_DEPS" {
  default = "numpy==1.26.4 pillow==10.4.0 safetensors==0.4.5 huggingface-hub==0.26.5 accelerate==1.1.1 einops==0.8.0 opencv-python-headless==4.10.0.84 requests==2.32.3 tqdm==4.67.1 psutil==6.1.0"
}

# Everything pinned per CUDA variant. torch, torchvision, torchaudio and xformers come from the PyTorch
# index of the variant; xformers is the build made for exactly that torch. Kohya needs torch >= 2.5
# (its pyproject.toml): `kohya = false` leaves the variant out of kohya_variants below. bitsandbytes
# 0.46.0 (torch >= 2.2, CUDA 12.4 and 12.8 binaries) and tensorboard 2.19.0 are what Kohya v25.2.1's
# uv.lock resolves for torch 2.7 + cu128.
variable "PODPILOT_CUDA_VARIANTS" {
  default = {
    cu121 = {
      image        = "nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04"
      torch        = "2.3.1"
      torchvision  = "0.18.1"
      torchaudio   = "2.3.1"
      xformers     = "0.0.27"
      kohya        = false
      bitsandbytes = ""
      tensorboard  = ""
    }
    cu124 = {
      image        = "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04"
      torch        = "2.5.1"
      torchvision  = "0.20.1"
      torchaudio   = "2.5.1"
      xformers     = "0.0.28.post3"
      kohya        = true
      bitsandbytes = "0.46.0"
      tensorboard  = "2.19.0"
    }
    cu128 = {
      image        = "nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04"
      torch        = "2.7.1"
      torchvision  = "0.22.1"
      torchaudio   = "2.7.1"
      xformers     = "0.0.31.post1"
      kohya        = true
      bitsandbytes = "0.46.0"
      tensorboard  = "2.19.0"
    }
  }
}

# The pinned UI version of each app; equals UI_KINDS[<kind>].defaultRef, except Forge, which publishes no
# tags: its commit is pinned here (main on 2026-12-07: dfdcbab, "Fix SD upscale Batch count", 2025-06-26).
variable "PODPILOT_WEBUI_VERSIONS" {
  default = {
    a1111   = "v1.10.1"
    comfyui = "v0.3.68"
    forge   = "dfdcbab685e57677014f05a3309b48cc87383167"
    fooocus = "v2.5.5"
    kohya   = "v25.2.1"
  }
}

# ---------------------------------------------------------------------------------------------------

# The tags of one image: the moving variant tag, the immutable version tag, and the commit's in CI.
function "image_tags" {
  params = [name, variant]
  result = concat(
    [
      "${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/${name}:${variant}",
      "${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/${name}:${variant}-${PODPILOT_VERSION}",
    ],
    PODPILOT_GIT_SHA == "" ? [] : ["${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/${name}:${variant}-${PODPILOT_GIT_SHA}"],
  )
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

# No kohya-cu121: Kohya needs torch >= 2.5 (PODPILOT_CUDA_VARIANTS.cu121.kohya = false).
group "apps" {
  targets = [
    "a1111-cu121", "a1111-cu124", "a1111-cu128",
    "comfyui-cu121", "comfyui-cu124", "comfyui-cu128",
    "forge-cu121", "forge-cu124", "forge-cu128",
    "fooocus-cu121", "fooocus-cu124", "fooocus-cu128",
    "kohya-cu124", "kohya-cu128",
  ]
}

# Everything; `just bake all` builds the bases group first and then the apps, a few at a time.
group "all" {
  targets = ["bases", "apps"]
}

target "_common" {
  context   = "."
  platforms = ["linux/amd64"]
  labels = {
    "org.opencontainers.image.source"   = "https://github.com/${PODPILOT_OWNER}/podpilot"
    "org.opencontainers.image.licenses" = "MIT"
    "org.opencontainers.image.version"  = PODPILOT_VERSION
  }
}

target "base" {
  name       = "base-${cuda}"
  inherits   = ["_common"]
  matrix     = { cuda = ["cu121", "cu124", "cu128"] }
  dockerfile = "docker/Dockerfile.base"
  args = {
    CUDA_IMAGE          = PODPILOT_CUDA_VARIANTS[cuda].image
    PYTHON_VERSION      = PODPILOT_PYTHON_VERSION
    PIP_VERSION         = PODPILOT_PIP_VERSION
    SETUPTOOLS_VERSION  = PODPILOT_SETUPTOOLS_VERSION
    WHEEL_VERSION       = PODPILOT_WHEEL_VERSION
    NODE_VERSION        = PODPILOT_NODE_VERSION
    NODE_SHA256         = PODPILOT_NODE_SHA256
    TAILSCALE_VERSION   = PODPILOT_TAILSCALE_VERSION
    TAILSCALE_SHA256    = PODPILOT_TAILSCALE_SHA256
    TORCH_INDEX_URL     = "https://download.pytorch.org/whl/${cuda}"
    TORCH_VERSION       = "${PODPILOT_CUDA_VARIANTS[cuda].torch}+${cuda}"
    TORCHVISION_VERSION = "${PODPILOT_CUDA_VARIANTS[cuda].torchvision}+${cuda}"
    TORCHAUDIO_VERSION  = "${PODPILOT_CUDA_VARIANTS[cuda].torchaudio}+${cuda}"
    XFORMERS_VERSION    = PODPILOT_CUDA_VARIANTS[cuda].xformers
    COMMON_PY_DEPS      = PODPILOT_COMMON_PY_DEPS
  }
  labels = {
    "org.opencontainers.image.title" = "podpilot base (${cuda})"
  }
  tags = image_tags("base", cuda)
  cache-from = PODPILOT_REGISTRY_CACHE ? ["type=registry,ref=${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/base:${cuda}-buildcache"] : []
  cache-to = PODPILOT_REGISTRY_CACHE && PODPILOT_PUSH_CACHE ? [
    "type=registry,ref=${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/base:${cuda}-buildcache,mode=max,ignore-error=true",
  ] : []
}

target "app" {
  name       = "${app}-${cuda}"
  inherits   = ["_common"]
  matrix     = { app = ["a1111", "comfyui", "forge", "fooocus"], cuda = ["cu121", "cu124", "cu128"] }
  dockerfile = "docker/apps/${app}/Dockerfile"
  # `FROM ${BASE_IMAGE}` resolves to the base target of the same variant, built in the same bake run.
  contexts = {
    podpilot-base = "target:base-${cuda}"
  }
  args = {
    BASE_IMAGE    = "podpilot-base"
    WEBUI_VERSION = PODPILOT_WEBUI_VERSIONS[app]
  }
  labels = {
    "org.opencontainers.image.title" = "podpilot ${app} (${cuda})"
  }
  tags = image_tags(app, cuda)
  cache-from = PODPILOT_REGISTRY_CACHE ? ["type=registry,ref=${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/${app}:${cuda}-buildcache"] : []
  cache-to = PODPILOT_REGISTRY_CACHE && PODPILOT_PUSH_CACHE ? [
    "type=registry,ref=${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/${app}:${cuda}-buildcache,mode=max,ignore-error=true",
  ] : []
}

# Kohya only on the variants whose torch it supports (kohya = true above; the test checks the two agree).
target "kohya" {
  name       = "kohya-${cuda}"
  inherits   = ["_common"]
  matrix     = { cuda = ["cu124", "cu128"] }
  dockerfile = "docker/apps/kohya/Dockerfile"
  contexts = {
    podpilot-base = "target:base-${cuda}"
  }
  args = {
    BASE_IMAGE           = "podpilot-base"
    WEBUI_VERSION        = PODPILOT_WEBUI_VERSIONS.kohya
    PYTHON_VERSION       = PODPILOT_PYTHON_VERSION
    BITSANDBYTES_VERSION = PODPILOT_CUDA_VARIANTS[cuda].bitsandbytes
    TENSORBOARD_VERSION  = PODPILOT_CUDA_VARIANTS[cuda].tensorboard
  }
  labels = {
    "org.opencontainers.image.title" = "podpilot kohya (${cuda})"
  }
  tags = image_tags("kohya", cuda)
  cache-from = PODPILOT_REGISTRY_CACHE ? ["type=registry,ref=${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/kohya:${cuda}-buildcache"] : []
  cache-to = PODPILOT_REGISTRY_CACHE && PODPILOT_PUSH_CACHE ? [
    "type=registry,ref=${PODPILOT_REGISTRY}/${PODPILOT_OWNER}/podpilot/kohya:${cuda}-buildcache,mode=max,ignore-error=true",
  ] : []
}
