import { defineConfig } from "vitest/config";

// Two projects: `unit` needs nothing but Node; `integration` talks to the real
// backing services that `npm run services -- up` starts (scripts/test.sh does that first).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "services/**/*.test.ts", "gateway/**/*.test.ts"],
          testTimeout: 30_000,
          // Opening PGlite (PostgreSQL in WebAssembly) takes seconds, more on a loaded machine.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
