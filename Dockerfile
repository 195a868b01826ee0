# hermes-host: the agent host running the messaging gateway, in a container.
#
# Offline (no Docker Hub): `node scripts/docker-image.mjs` makes the two base images from Debian's mirror and the npm
# registry and builds this file with them. With Docker Hub:
#   docker build --network host -t hermes-host \
#     --build-arg BUILD_IMAGE=node:20-bookworm --build-arg BASE_IMAGE=node:20-bookworm-slim .
# Any Debian bookworm base with Node 20 works: what the runtime lacks is installed with apt below.
# Written for the classic builder too (no BuildKit-only syntax), so it builds on any engine.
ARG BASE_IMAGE=hermes-host-base:local
ARG BUILD_IMAGE=hermes-host-build:local

# ---- build: npm ci, the bundles, then only what the runtime loads ----
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Native modules compile against the Node of this image (the runtime's Node: same base, same ABI).
ENV npm_config_nodedir=/usr/local npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# .docker-build-ca.pem exists only when the machine building the image sits behind a TLS-inspecting proxy (see
# scripts/docker-image.mjs); the glob keeps the COPY valid without it. It stays in this stage.
COPY package.json package-lock.json .docker-build-ca.pe[m] /src/
# Install scripts are skipped and only the two native modules the host loads are compiled: nothing else in the
# tree runs code at install time (esbuild finds its binary through its optional dependency).
RUN if [ -f .docker-build-ca.pem ]; then export npm_config_cafile=/src/.docker-build-ca.pem; fi \
 && npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 node-pty \
 && rm -f .docker-build-ca.pem
COPY esbuild.mjs tsconfig.base.json tsconfig.json /src/
COPY server /src/server
COPY skills /src/skills
COPY docker/runtime-tree.mjs /src/docker/runtime-tree.mjs
COPY extension/build/host-externals.mjs /src/extension/build/host-externals.mjs
RUN node esbuild.mjs && node docker/runtime-tree.mjs /opt/hermes-host \
 && node -e "new (require('/opt/hermes-host/node_modules/better-sqlite3'))(':memory:').close(); require('/opt/hermes-host/node_modules/node-pty')" \
 && cd /opt/hermes-host/dist/server && node --input-type=module -e "import { HOST_EXTERNALS } from '/src/extension/build/host-externals.mjs'; import { createRequire } from 'node:module'; const req = createRequire(process.cwd() + '/'); for (const m of HOST_EXTERNALS) if (m !== 'cpu-features') req(m);"

# ---- runtime ----
FROM ${BASE_IMAGE}
# The user the host runs as. Files it writes in the HERMES_HOME volume belong to this uid/gid: build with the ids of
# the host user that should own a bind-mounted folder (docker build --build-arg HERMES_UID=$(id -u) ...).
ARG HERMES_UID=1000
ARG HERMES_GID=1000
# Packages the agent uses that a plain Debian base lacks (none with the offline base); a user or group that already
# has these ids (node:*'s "node" is 1000) is renamed to hermes.
RUN set -e; need=""; \
    for p in ca-certificates git tini ripgrep procps python3 curl less; do dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"; done; \
    if [ -n "$need" ]; then apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need; rm -rf /var/lib/apt/lists/*; fi; \
    command -v node >/dev/null || { echo "BASE_IMAGE has no node: use one with Node 20 (node:20-bookworm-slim, or the base scripts/docker-image.mjs makes)" >&2; exit 1; }; \
    if g=$(getent group "$HERMES_GID"); then groupmod -n hermes "${g%%:*}"; else groupadd --gid "$HERMES_GID" hermes; fi; \
    if u=$(getent passwd "$HERMES_UID"); then usermod -l hermes -g "$HERMES_GID" -d /home/hermes -m -s /bin/bash "${u%%:*}"; \
    else useradd --uid "$HERMES_UID" --gid "$HERMES_GID" --create-home --home-dir /home/hermes --shell /bin/bash hermes; fi; \
    mkdir -p /data/hermes /workspace; chown hermes:hermes /data/hermes /workspace; chmod 0700 /data/hermes
COPY --from=build /opt/hermes-host /opt/hermes-host
# The launcher's V8 code cache is written here once, for this image's Node, so every start reads it.
RUN ln -s /opt/hermes-host/dist/server/main.js /usr/local/bin/hermes-host && HERMES_HOME=/tmp/warm hermes-host version && rm -rf /tmp/warm

# HERMES_HOME: config.yaml, .env, memory, skills, sessions (hermes-host.db), the host's socket. Keep it on a volume.
ENV HERMES_HOME=/data/hermes
VOLUME ["/data/hermes"]
WORKDIR /workspace
USER hermes
# The OpenAI-compatible HTTP API, when enabled (api.enabled / API_SERVER_ENABLED; see compose.yaml).
EXPOSE 8642
# Proves the host answers on its socket (and that no chat platform has failed for good): `hermes-host health`, from
# its own small bundle so the probe does not load the whole host every 30 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["node", "/opt/hermes-host/dist/server/health.js"]
# tini is PID 1: it forwards SIGTERM to the host, whose gateway then drains (finishes replies, flushes the outbox)
# before exiting, and reaps the processes the agent's commands leave behind.
ENTRYPOINT ["/usr/bin/tini", "--", "hermes-host"]
CMD ["--gateway"]
