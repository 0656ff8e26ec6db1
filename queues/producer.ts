import type { Job } from "./jobs";

/** The only way services put work on the queue, so every job is typed. */
export async function enqueue(queue: Queue, job: Job): Promise<void> {
  await queue.send(job, { contentType: "json" });
}
