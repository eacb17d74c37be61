# syntax=docker/dockerfile:1

# Production dependencies only; argon2 and better-sqlite3 are native, so the toolchain lives here.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# npm ci runs the prepare script; with no sources and no TypeScript here it compiles nothing.
COPY package.json package-lock.json ./
COPY scripts/ensure-build.js ./scripts/
RUN npm ci --omit=dev --no-audit --no-fund

# Compile TypeScript with the dev dependencies.
FROM deps AS build
RUN npm ci --no-audit --no-fund
# .dockerignore keeps tests, data, secrets and local builds out of this copy.
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# MALLOC_MMAP_THRESHOLD_: glibc hands argon2id's 19 MiB blocks back to the kernel after each
# login instead of keeping them in per-thread arenas (docs/performance.md, "Memory").
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json package-lock.json ./
# 0700: the SQLite database holds password hashes; the generated secret signs tokens.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
USER node
EXPOSE 8080
VOLUME ["/app/data"]
# Slim images have no curl: node itself asks /healthz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.PORT||8080,path:'/healthz',timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# --no-memory-reducer: a process that idles after starting and is then loaded otherwise stays
# in a slower state for good (docs/performance.md, "The two speeds: V8's memory reducer").
CMD ["node", "--no-memory-reducer", "dist/src/main.js"]
