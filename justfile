# PodPilot tasks. Images: docs/images.md. `just --list` shows every recipe.

set shell := ["bash", "-euo", "pipefail", "-c"]

default:
    @just --list

# Build everything and start the hub (with the web UI) on this machine.
dev:
    npm start

# Every test suite (unit, e2e, agent e2e).
test:
    npm test

# Typecheck and lint, and the static checks of the Docker files (e2e/images.test.ts).
check:
    npm run typecheck
    npm run lint
    npx vitest run --project e2e e2e/images.test.ts

# The agent bundle the app images copy in (docker/build/podpilot-agent.mjs).
bundle-agent:
    npm run bundle:agent

# Build TARGET with the local cache: a group (default, bases, apps, all) or a target (comfyui-cu124…).
# `just bake bases`, `just bake apps`; FLAGS go to bake, e.g. `just bake a1111-cu128 --load`.
bake TARGET="default" *FLAGS: bundle-agent
    docker buildx bake {{ FLAGS }} {{ TARGET }}

# Build TARGET, push it and write its registry cache (mode=max). Needs `docker login` with push rights.
bake-with-cache TARGET *FLAGS: bundle-agent
    REGISTRY_CACHE=true PUSH_CACHE=true docker buildx bake --push {{ FLAGS }} {{ TARGET }}

# Build TARGET reading the registry cache first (pull only: no push rights needed).
bake-from-cache TARGET="default" *FLAGS: bundle-agent
    REGISTRY_CACHE=true PUSH_CACHE=false docker buildx bake {{ FLAGS }} {{ TARGET }}

# What bake would build (resolved targets, tags, cache settings, with REGISTRY/OWNER from the environment
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
