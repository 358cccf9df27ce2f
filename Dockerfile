# Pulse: API, dashboard and workers in one image (docker-compose.yml, deploy/k8s).
FROM node:20-bookworm-slim
WORKDIR /app
# The whole workspace: npm ci needs every workspace's package.json, and the build its sources.
COPY . .
RUN npm ci --no-audit --no-fund && npm run build && chown -R node:node /app
USER node
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
# Node flags as `npm start` gives them (packages/testing/src/scratch-pulse.ts: SERVER_NODE_FLAGS says why).
CMD ["npx", "tsx", "--max-semi-space-size=32", "packages/api/src/main.ts"]
