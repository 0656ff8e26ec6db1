import { randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests run the production build of the Worker (`pretest` builds it), so the React Router
// server bundle, the Hono app and the Durable Objects are exactly what `wrangler deploy` ships.
export default defineConfig(async () => {
  const buildDir = process.env.MT_BUILD_DIR ?? "build";
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: `./${buildDir}/server/index.js`,
        wrangler: { configPath: `./${buildDir}/server/wrangler.json` },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: randomBytes(48).toString("base64url"),
            STRIPE_WEBHOOK_SECRET: randomBytes(48).toString("base64url"),
            STRIPE_SECRET_KEY: "sk_test_local",
            SENTRY_DSN: "",
          },
        },
      }),
    ],
    // micromark's "development" export imports the CommonJS `debug`, which workerd cannot load
    // (micromark/micromark#217); the production build is what the Worker ships anyway.
    resolve: { alias: [{ find: /^micromark$/, replacement: fileURLToPath(new URL("./node_modules/micromark/index.js", import.meta.url)) }] },
    test: {
      include: ["tests/**/*.test.ts"],
      exclude: ["tests/e2e/**"],
      setupFiles: ["./tests/setup.ts"],
      testTimeout: 30_000,
    },
  };
});
