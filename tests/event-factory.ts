import { env } from "cloudflare:test";
import type { CreateEventInput, EventDetail } from "../worker/schemas/events";
import { api, member } from "./accounts";

export type Member = Awaited<ReturnType<typeof member>>;

/** A member whose email is confirmed (the confirmation flow itself is tested in auth.test.ts). */
export async function verifiedMember(overrides: Parameters<typeof member>[0] = {}): Promise<Member> {
  const account = await member(overrides);
  await env.DB.prepare("UPDATE users SET email_verified_at = ? WHERE id = ?").bind(new Date().toISOString(), account.user.id).run();
  return account;
}

/** Local venue time `days` from now at `time`, as the create form sends it. */
export function localDaysFromNow(days: number, time = "21:00"): string {
  return `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${time}`;
}

export function eventInput(overrides: Partial<CreateEventInput> = {}): CreateEventInput {
  return {
    title: "Milonga de Prueba",
    type: "milonga",
    description: "Tandas and cortinas.",
    venue: { name: "Salón Canning", address: "Scalabrini Ortiz 1331", city: "buenos-aires", lat: -34.5889, lng: -58.4243 },
    start: localDaysFromNow(10, "21:00"),
    end: localDaysFromNow(11, "02:00"),
    lineup: [],
    coOrganizers: [],
    ...overrides,
  } as CreateEventInput;
}

/** Creates an event through the API as `organizer` (a new verified member by default). Call `seedWorld()` in `beforeAll` first: it replaces every table. */
export async function createEvent(overrides: Partial<CreateEventInput> = {}, organizer?: Member): Promise<{ event: EventDetail; organizer: Member }> {
  const by = organizer ?? (await verifiedMember());
  const res = await api("/events", { method: "POST", token: by.accessToken, json: eventInput(overrides) });
  if (res.status !== 201) throw new Error(`create event failed: ${res.status} ${await res.text()}`);
  return { event: await res.json<EventDetail>(), organizer: by };
}
