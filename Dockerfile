# The oort-okta worker. TypeScript runs through tsx (a runtime dependency), so there is no build step.
#   docker build -t oort-okta-worker .
#   docker run --env-file worker.env oort-okta-worker
FROM node:22.22.0-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Dependencies first, so a source-only change reuses this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .

USER node
EXPOSE 9464
CMD ["npx", "tsx", "workers/worker.ts"]
