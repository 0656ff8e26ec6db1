/**
 * npm run deploy -- <staging|production>
 * Applies D1 migrations to that environment's database, builds the Worker for it and
 * deploys it together with its secrets. Needs CLOUDFLARE_API_TOKEN and
 * CLOUDFLARE_ACCOUNT_ID; secrets come from the environment (see README → Deploy).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIN_SECRET_LENGTH, OPTIONAL_SECRETS, REQUIRED_SECRETS } from "../worker/secrets.ts";
import { buildWorker } from "./build.ts";
import { wrangler } from "./wrangler.ts";


const environment = process.argv[2];
if (environment !== "staging" && environment !== "production") {
  console.error("Usage: npm run deploy -- <staging|production>");
  process.exit(2);
}

/** Secrets travel with the version, so a new Worker never serves a moment without them. */
function secretsFromEnvironment(): Record<string, string> | undefined {
  const present = [...REQUIRED_SECRETS, ...OPTIONAL_SECRETS].filter((name) => process.env[name]);
  if (present.length === 0) return undefined; // already set earlier with `wrangler secret put`
  const weak = REQUIRED_SECRETS.filter((name) => (process.env[name] ?? "").length < MIN_SECRET_LENGTH);
  if (weak.length > 0) {
    console.error(`Missing or shorter than ${MIN_SECRET_LENGTH} characters: ${weak.join(", ")}`);
    process.exit(2);
  }
  return Object.fromEntries(present.map((name) => [name, process.env[name]!]));
}

const secrets = secretsFromEnvironment();

// The explicit --config keeps wrangler on wrangler.toml rather than a previous build's output.
console.log(wrangler(["d1", "migrations", "apply", "DB", "--remote", "--env", environment, "--config", "wrangler.toml"]));

// The Cloudflare Vite plugin picks the environment at build time.
buildWorker({ cloudflareEnv: environment });

const secretsDir = mkdtempSync(join(tmpdir(), "mundo-tango-secrets-"));
try {
  const args = ["deploy"];
  if (secrets) {
    const file = join(secretsDir, "secrets.json");
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
    args.push("--secrets-file", file);
  }
  console.log(wrangler(args));
} finally {
  rmSync(secretsDir, { recursive: true, force: true });
}
