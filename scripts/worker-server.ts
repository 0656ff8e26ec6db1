/**
 * Starts the production build of the Worker under `wrangler dev` on a chosen port and
 * state directory, for the browser tests and the benchmark. The caller owns `stop()`.
 */
import { spawn } from "node:child_process";
import { persistArgs, WRANGLER_BIN } from "./wrangler.ts";

export interface WorkerServer {
  url: string;
  stop: () => Promise<void>;
}

export async function startWorker({
  port,
  persistTo,
  vars = {},
  readyTimeoutMs = 60_000,
}: {
  port: number;
  persistTo?: string;
  /** Overrides of wrangler.toml vars, e.g. APP_ORIGIN for the address actually served. */
  vars?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<WorkerServer> {
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn(process.execPath, [WRANGLER_BIN, "dev", "--port", String(port), "--ip", "127.0.0.1", ...varArgs, ...persistArgs(persistTo)], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { url, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not become healthy on ${url} within ${readyTimeoutMs / 1000} s:\n${output}`);
}
