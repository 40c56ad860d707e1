# The runner image: ext-plugin runner + streaming bridge + mock upstream, one binary.
# Runs as uid/gid 636, the user of the official apache/apisix image, so APISIX's workers can use the socket.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    APISIX_LISTEN_ADDRESS=unix:/var/run/a6/runner.sock \
    APISIX_CONF_EXPIRE_TIME=3600
RUN groupadd --gid 636 apisix \
 && useradd --uid 636 --gid 636 --no-create-home --shell /usr/sbin/nologin apisix \
 && mkdir -p /var/run/a6 && chown 636:636 /var/run/a6
WORKDIR /opt/a6-runner
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY package.json ./
COPY bin ./bin
COPY proto ./proto
USER 636:636
# A directory, shared with APISIX: the runner recreates the socket file on every start.
VOLUME ["/var/run/a6"]
EXPOSE 8088 8089
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=6 \
  CMD ["node", "-e", "process.exit(require('fs').statSync('/var/run/a6/runner.sock').isSocket() ? 0 : 1)"]
ENTRYPOINT ["node", "/opt/a6-runner/bin/apisix-anthropic-bridge.js"]
