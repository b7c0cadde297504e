# mail-settings-agent container image: `docker build -t mail-agent .` (see docs/deploy.md).
# Stage 1 compiles the TypeScript; stage 2 installs the production dependencies only; the final stage
# holds those two, runs as a non-root user and has `mail-agent` on its PATH.
ARG NODE_VERSION=26.12

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY agent ./agent
COPY schemas ./schemas
# scripts/build.ts (run by the build) adds dist/vendor/: ews-javascript-api bundled with its V8 code cache,
# made by this same Node version, as the final stage's must be for V8 to accept it.
COPY scripts ./scripts
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# No install script runs: the one native addon (fs-native-extensions, the state-dir lock) ships prebuilt
# Node-API binaries, which load on every Node line.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    MAIL_AGENT_STATE_DIR=/var/lib/mail-agent
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json config.example.yaml config.graph.example.yaml ./
COPY schemas ./schemas
# The settings folder (mount a ConfigMap or a host folder on it) and the state dir (status.json, spool):
# owned by the agent's user and 0700, as the agent requires (a named volume mounted there copies both).
RUN chmod 0755 /app/dist/agent/cli/bin.js \
 && ln -s /app/dist/agent/cli/bin.js /usr/local/bin/mail-agent \
 && mkdir -p /etc/mail-agent /var/lib/mail-agent \
 && chown 1000:1000 /var/lib/mail-agent \
 && chmod 0700 /var/lib/mail-agent
# The node image's unprivileged "node" user, by number so that runAsNonRoot can check it.
USER 1000:1000
EXPOSE 9464
# Healthy while the agent's status file is fresh and Ready (status exits non-zero otherwise).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD mail-agent status --status /var/lib/mail-agent/status.json > /dev/null || exit 1
ENTRYPOINT ["mail-agent"]
CMD ["run", "--config", "/etc/mail-agent/mail-settings.yaml", "--state-dir", "/var/lib/mail-agent", "--log-format", "json"]
