# syntax=docker/dockerfile:1.7
# The PodPilot hub: API, web UI and scheduler in one image (the GPU images are in docker/, see docs/images.md).
#   docker build -t podpilot-hub .        or        docker compose up -d   (hub + PostgreSQL, see compose.yaml)
# Stages: deps (every dependency, for the build) → build (tsc + vite) → prod-deps (production dependencies
# only) → runtime (those, the built dist folders, migrations and the web app; runs as `node`, not root).
# Node.js 22 LTS, pinned to a release (the project supports Node 20.19+ and 22: package.json engines).

FROM node:22.23.5-bookworm-slim AS deps
WORKDIR /app
# Only the manifests first, so the dependency layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
COPY packages/common/package.json packages/common/
COPY apps/hub/package.json apps/hub/
COPY apps/agent/package.json apps/agent/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY packages/common packages/common
COPY apps apps
RUN npm run build

FROM node:22.23.5-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/common/package.json packages/common/
COPY apps/hub/package.json apps/hub/
COPY apps/agent/package.json apps/agent/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM node:22.23.5-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PODPILOT_HOST=0.0.0.0 \
    PODPILOT_HOME=/data
WORKDIR /app
# Manifests and node_modules (workspace links included: node_modules/@podpilot/* → the folders below).
COPY --from=prod-deps /app ./
COPY --from=build /app/packages/common/dist packages/common/dist
COPY --from=build /app/apps/hub/dist apps/hub/dist
COPY --from=build /app/apps/agent/dist apps/agent/dist
COPY --from=build /app/apps/cli/dist apps/cli/dist
COPY --from=build /app/apps/web/dist apps/web/dist
# Read from apps/hub/dist/db/../../../../migrations, i.e. /app/migrations.
COPY migrations migrations
# /data: the embedded database (when DATABASE_URL is unset), local storage and the secrets key file.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 7300
# No curl in the slim image: node's fetch asks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:7300/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
CMD ["node", "apps/cli/dist/main.js", "hub"]
