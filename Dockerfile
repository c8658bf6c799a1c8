# Build: docker build -t baton .   (docker-compose.yml builds and runs it for you)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/package.json
COPY libs/authz/package.json libs/authz/package.json
COPY libs/security/package.json libs/security/package.json
COPY tools/db/generate.mjs tools/db/generate.mjs
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci
COPY . .
RUN npx nx run-many -t build --outputStyle=static

FROM node:20-bookworm-slim AS runtime
# A container must listen on its own interface for a published port to reach it (the default is loopback).
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/libs libs
COPY --from=build /app/dist dist
COPY --from=build /app/prisma/migrations prisma/migrations
RUN npm prune --omit=dev --ignore-scripts && mkdir -p .data .keys && chown -R node:node /app
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/apps/api/main.js"]
