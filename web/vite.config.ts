// The console is a static bundle: `npm run web:build` writes web/dist (git-ignored), which the API
// process serves at / (services/console/static-route.ts) and Envoy fronts in cluster mode.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One small app: no source maps shipped, a size warning past 1 MB.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npx vite web` during development: calls go to a running `npm start`.
    proxy: {
      "/docmesh.": "http://127.0.0.1:8080",
      "/grpc.": "http://127.0.0.1:8080",
      "/console/": "http://127.0.0.1:8080",
    },
  },
});
