import type { Job } from "../jobs";

/** The health check proves the producer binding works; consuming the probe is a no-op. */
export async function handleHealthProbe(_job: Extract<Job, { type: "health.probe" }>): Promise<void> {}
