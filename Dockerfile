# One image for every Docmesh process; docker-compose.yml picks the role with --role=<name>.
#   docker build -t docmesh .
#   docker run --rm docmesh node --import tsx services/main.ts --cluster --role=api
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Envoy, for the processes that launch it per config (DOCMESH_ENVOY_BIN).
COPY --from=envoyproxy/envoy:v1.40.0 /usr/local/bin/envoy /usr/local/bin/envoy

COPY package.json package-lock.json ./
# scripts/setup.sh (postinstall) only fetches .proto files for code generation; gen/ is committed.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY tsconfig.json ./
COPY gen ./gen
COPY services ./services
COPY gateway ./gateway
# The Envoy renderer (docker-compose.yml edge-config).
COPY scripts/edge ./scripts/edge

USER node
CMD ["node", "--import", "tsx", "services/main.ts", "--cluster", "--role=api"]
