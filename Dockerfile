# syntax=docker/dockerfile:1
# Node 24, the current LTS, inside package.json's engines (>=20.12 <25).
# Run it with an init process for PID 1 (signals, zombie reaping): `docker run --init`, or `init: true`
# in compose (docker-compose.yml does).

# Build: compile TypeScript with the full toolchain.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN cache="$(mktemp -d)" && npm_config_cache="$cache" npm ci --no-audit --no-fund && rm -rf "$cache"
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime: production dependencies and compiled code only, as an unprivileged user.
FROM node:24-slim AS runtime
ENV NODE_ENV=production
# A young generation of 4 MiB semi-spaces instead of V8's 16: 1,000 companies run at 123-140 MiB instead
# of 152-155, for 0.6 % more CPU (the soak, docs/benchmarks.md). Set NODE_OPTIONS to change it.
ENV NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY package.json package-lock.json ./
RUN cache="$(mktemp -d)" && npm_config_cache="$cache" npm ci --omit=dev --no-audit --no-fund && rm -rf "$cache"
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY assets ./assets
USER node
EXPOSE 8080
# Ready, not merely alive: Postgres and Redis answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ADMIN_PORT || 8080) + '/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/sellersync.js"]
CMD ["start"]
