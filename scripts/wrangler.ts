import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const WRANGLER_BIN = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");

/** Runs the project's wrangler on this same Node (≥ 22), non-interactively. */
export function wrangler(args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(process.execPath, [WRANGLER_BIN, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
  }
  return String(result.stdout ?? "");
}

/** Extra arguments that point local D1 commands at a state directory other than the default. */
export function persistArgs(persistTo: string | undefined): string[] {
  return persistTo ? ["--persist-to", persistTo] : [];
}
