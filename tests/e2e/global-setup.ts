import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { buildWorker } from "../../scripts/build.ts";
import { ensureDevVars, migrateAndSeed } from "../../scripts/dev-setup.ts";
import { startWorker } from "../../scripts/worker-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

const STATE_DIR = ".e2e/state";
const PORT = Number(process.env.E2E_PORT ?? 8790);

/** Builds the Worker, gives it a fresh seeded database and serves it for the browser tests. */
export default async function setup(project: TestProject) {
  ensureDevVars();
  buildWorker();
  rmSync(".e2e", { recursive: true, force: true });
  migrateAndSeed(STATE_DIR);
  // Mailed links point at APP_ORIGIN: make it the address the browser tests use.
  const server = await startWorker({ port: PORT, persistTo: STATE_DIR, vars: { APP_ORIGIN: `http://127.0.0.1:${PORT}` } });
  project.provide("baseURL", server.url);
  return server.stop;
}
