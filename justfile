# PodPilot tasks. Images: docs/images.md. `just --list` shows every recipe.

set shell := ["bash", "-euo", "pipefail", "-c"]

# The project version for the images' immutable tags (<name>:<variant>-<version>): PODPILOT_VERSION in
# packages/common/src/version.ts, the version the hub launches. Bake variables are all PODPILOT_-prefixed.
export PODPILOT_VERSION := env_var_or_default("PODPILOT_VERSION", `sed -nE "s/^export const PODPILOT_VERSION = '([^']+)';$/\1/p" packages/common/src/version.ts`)

# How many app images `just bake all` builds at once (each is 8-15 GB and downloads torch-sized wheels).
export PODPILOT_BAKE_PARALLEL := env_var_or_default("PODPILOT_BAKE_PARALLEL", "3")

default:
    @just --list

# Build everything and start the hub (with the web UI) on this machine.
dev:
    npm start

# Every test suite (unit, e2e, agent e2e).
test:
    npm test

# Typecheck and lint, and the static checks of the Docker files (e2e/images*.test.ts).
check:
    npm run typecheck
    npm run lint
    npx vitest run --project e2e e2e/images

# The agent bundle the app images copy in (docker/build/podpilot-agent.mjs).
bundle-agent:
    npm run bundle:agent

# Build TARGET with the local cache: a group (default, bases, apps, all) or a target (comfyui-cu124…).
# `just bake bases`, `just bake apps`; FLAGS go to bake, e.g. `just bake a1111-cu128 --load`.
# `all`: the bases first, in one run, then the apps PODPILOT_BAKE_PARALLEL at a time (each run finds its
# base in the builder's cache), instead of all 17 targets at once.
bake TARGET="default" *FLAGS: bundle-agent
    just _bake "{{ TARGET }}" {{ FLAGS }}

# Build TARGET, push it and write its registry cache (mode=max). Needs `docker login` with push rights.
bake-with-cache TARGET *FLAGS: bundle-agent
    PODPILOT_REGISTRY_CACHE=true PODPILOT_PUSH_CACHE=true just _bake "{{ TARGET }}" --push {{ FLAGS }}

# Build TARGET reading the registry cache first (pull only: no push rights needed).
bake-from-cache TARGET="default" *FLAGS: bundle-agent
    PODPILOT_REGISTRY_CACHE=true PODPILOT_PUSH_CACHE=false just _bake "{{ TARGET }}" {{ FLAGS }}

[private]
_bake TARGET *FLAGS:
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ "{{ TARGET }}" != all ]]; then exec docker buildx bake {{ FLAGS }} "{{ TARGET }}"; fi
    docker buildx bake {{ FLAGS }} bases
    mapfile -t apps < <(docker buildx bake --print apps | jq -r '.target | keys[] | select(startswith("base-") | not)')
    for ((i = 0; i < ${#apps[@]}; i += PODPILOT_BAKE_PARALLEL)); do
        docker buildx bake {{ FLAGS }} "${apps[@]:i:PODPILOT_BAKE_PARALLEL}"
    done

# What bake would build (resolved targets, tags, cache settings, with PODPILOT_REGISTRY/PODPILOT_OWNER from the environment
# and docker-bake.override.hcl), the local cache size, and the registry cache manifest of IMAGE-VARIANT
# (e.g. `just cache-info comfyui cu124`).
cache-info IMAGE="base" VARIANT="cu128":
    docker buildx bake --print all
    docker buildx du --verbose | tail -n 5
    ref="$(docker buildx bake --print {{ IMAGE }}-{{ VARIANT }} | jq -r '.target[].tags[0]')-buildcache"; \
        docker buildx imagetools inspect "$ref" || echo "no registry cache at $ref yet"

# Drop local build cache older than UNTIL (default one week). Registry caches are tags: delete them in
# the registry (GHCR: the package's settings page).
prune-cache UNTIL="168h":
    docker buildx prune --force --filter "until={{ UNTIL }}"
