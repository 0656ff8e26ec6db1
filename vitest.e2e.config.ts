import { defineConfig } from "vitest/config";

// Browser journeys run in Node against the built Worker under `wrangler dev`
// (see tests/e2e/global-setup.ts), driving Debian's Chromium with playwright-core.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.e2e.ts"],
    globalSetup: ["./tests/e2e/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
