# syntax=docker/dockerfile:1
#
# The one image of the Arrears processes: docker-compose.yml runs it three times with a
# different `command` (migrate, worker, api). Layout inside the image mirrors the repo:
#   /app/package.json   (src/paths.ts finds the project root by it)
#   /app/dist/...       (tsc output: dist/src, dist/workflows, dist/activities, dist/workers)
#   /app/migrations     (SQL files node-pg-migrate reads at run time)
#   /app/node_modules   (production dependencies only)

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------
# build: every dependency, compile the TypeScript, then drop the dev dependencies.
FROM ${NODE_IMAGE} AS build
# package-lock.json is written by npm 11, and npm 11 enforces the `allowScripts` policy in
# package.json (which dependencies may run install scripts); node 20 images ship npm 10,
# which would ignore it. Same npm as the development machines.
ARG NPM_VERSION=11.19.1
RUN npm install --global --no-audit --no-fund "npm@${NPM_VERSION}"
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci` (the project avoids `npm ci` because of an npm 11 lockfile
# quirk); with a lockfile that matches package.json it installs the locked versions.
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
RUN npm run build
# Prune here, then copy the pruned tree: pruning inside the runtime stage would leave the
# dev dependencies in an earlier layer of the final image.
RUN npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------------------
# runtime: compiled code, production dependencies, migrations; runs as the unprivileged
# `node` user (uid 1000) of the base image. The files stay root-owned: read-only to it.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# Read by the worker at start: treatments, contact policy, field collection, screening; the message templates.
COPY config ./config
COPY templates ./templates
USER node
EXPOSE 8080
# The API by default; docker-compose.yml sets the command of each service.
CMD ["node", "dist/src/api/main.js"]
