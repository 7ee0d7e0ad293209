# The oort-okta worker. TypeScript runs through tsx (a runtime dependency) loaded into node itself, so there is no
# build step and `docker stop`'s SIGTERM reaches the worker itself (the tsx CLI SIGKILLs a child slow to acknowledge a signal).
#   docker build -t oort-okta-worker .
#   docker run --env-file worker.env oort-okta-worker
FROM node:22.22.0-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Dependencies first, so a source-only change reuses this layer; patches/ too (postgres.js is patched at install).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .

USER node
EXPOSE 9464
CMD ["node", "--import", "tsx", "workers/worker.ts"]
