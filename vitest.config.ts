import { randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run the production build of the Worker (`pretest` builds it), so the React Router
// server bundle, the Hono app and the Durable Objects are exactly what `wrangler deploy` ships.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./build/server/index.js",
        wrangler: { configPath: "./build/server/wrangler.json" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: randomBytes(48).toString("base64url"),
            STRIPE_WEBHOOK_SECRET: randomBytes(48).toString("base64url"),
            SENTRY_DSN: "",
          },
        },
      }),
    ],
    test: {
      include: ["tests/**/*.test.ts"],
      exclude: ["tests/e2e/**"],
      setupFiles: ["./tests/setup.ts"],
      testTimeout: 30_000,
    },
  };
});
