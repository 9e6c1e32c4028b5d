# syntax=docker/dockerfile:1
# The app as one small image: the standalone server Next writes (server.js and only the node_modules it uses),
# the static files, and the migrations (traced into the standalone output by next.config.ts), run as a non-root
# user. Build: docker build -t keyring .   Run it with PostgreSQL: docker compose up (compose.yaml).
# With KEK_BACKEND=pkcs11, add your HSM's PKCS#11 client library (and its configuration) to the run stage, or
# mount it, and point PKCS11_MODULE at it (README "Keeping the master key in an HSM").

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Dependencies, cached until the lockfile changes. pkcs11js (the HSM binding, optional) is compiled here.
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# 2. The production build.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /src/node_modules ./node_modules
COPY . .
RUN npx next build

# 3. What runs: no sources, no dev dependencies, no compiler, no npm cache.
FROM ${NODE_IMAGE} AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NEXT_MANUAL_SIG_HANDLE=true \
    PORT=3000 \
    HOSTNAME=0.0.0.0
RUN groupadd --system --gid 1001 keyring \
 && useradd --system --uid 1001 --gid keyring --no-create-home --shell /usr/sbin/nologin keyring \
 && mkdir /app/.data && chown keyring:keyring /app/.data
# Owned by root and read-only to the app's user; only .data/ (an embedded database, if used) is writable.
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
USER keyring
EXPOSE 3000
# Liveness only: a database outage makes /api/health (readiness) answer 503, which is no reason to restart.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains requests for up to 10 s, closes the database and exits 0 (lib/shutdown.ts); give it 15 s
# (docker stop -t 15, compose.yaml's stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]
