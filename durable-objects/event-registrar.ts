import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import { applyRegistration, type RegistrationChange, type RegistrationOutcome } from "../worker/services/registration";

/**
 * One object per event: the single place RSVPs for that event are decided, one at a time.
 * D1 is the record; this object only serializes. Awaiting D1 would let the next call in
 * (input gates only cover the object's own storage), so calls are chained explicitly:
 * 50 dancers pressing "going" at once against 10 places admit exactly 10.
 */
export class EventRegistrar extends DurableObject<Cloudflare.Env> {
  #tail: Promise<unknown> = Promise.resolve();

  apply(change: RegistrationChange): Promise<RegistrationOutcome> {
    const run = this.#tail.then(() => applyRegistration(createDb(this.env.DB), change));
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
