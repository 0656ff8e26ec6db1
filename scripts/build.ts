import { spawnSync } from "node:child_process";

/** `react-router build` on this Node; `cloudflareEnv` selects a wrangler.toml environment. */
export function buildWorker({ cloudflareEnv, quiet = false }: { cloudflareEnv?: string; quiet?: boolean } = {}): void {
  const result = spawnSync(process.execPath, ["node_modules/@react-router/dev/bin.cjs", "build"], {
    stdio: quiet ? "pipe" : "inherit",
    encoding: "utf8",
    env: cloudflareEnv ? { ...process.env, CLOUDFLARE_ENV: cloudflareEnv } : process.env,
  });
  if (result.status !== 0) {
    if (quiet) console.error(result.stdout, result.stderr);
    throw new Error(`react-router build failed (exit ${result.status})`);
  }
}
