import { data, redirect } from "react-router";
import type { z } from "zod";
import type { FieldError } from "../../worker/errors";
import type { Ctx } from "../../worker/env";
import type { CleanImage } from "../../worker/lib/image-metadata";
import { prepareCover, setEventCover } from "../../worker/services/event-covers";
import { problemsFromIssues, type EventFormValues } from "../components/event-form";
import { fromDomainError, type FormProblems } from "./form-problems";

/** What the event form shows again after a failed submit. */
export interface EventFormFailure {
  values: EventFormValues;
  problems: FormProblems;
}

/** The form as `eventInputFromForm` read it, after the route dropped what must not be sent. */
export interface EventFormDraft {
  values: EventFormValues;
  input: Record<string, unknown>;
  errors: FieldError[];
}

/**
 * The create and edit pages' submit: checks the input against `schema` and the cover picture
 * together, so one 400 lists every problem; then `save` writes the event (returning its id),
 * the cover follows and the member lands on the event. The cover is checked before saving,
 * so a bad picture never leaves a half-made event behind.
 */
export async function submitEventForm<Schema extends z.ZodType>(
  ctx: Ctx,
  form: FormData,
  { values, input, errors }: EventFormDraft,
  schema: Schema,
  save: (input: z.output<Schema>) => Promise<string>,
) {
  const parsed = schema.safeParse(input);
  const problems = [...errors, ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, values))];
  let cover: CleanImage | undefined;
  const file = form.get("cover");
  if (file instanceof File && file.size > 0) {
    try {
      cover = prepareCover(new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      const { fields, form: message } = fromDomainError(error);
      problems.push({ path: "cover", message: fields.cover ?? message ?? "This picture cannot be used." });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    const fields: Record<string, string> = {};
    for (const { path, message } of problems) fields[path] ??= message;
    return data<EventFormFailure>({ values, problems: { fields } }, { status: 400 });
  }
  let eventId: string;
  try {
    eventId = await save(parsed.data);
  } catch (error) {
    return data<EventFormFailure>({ values, problems: fromDomainError(error) }, { status: (error as { status: number }).status });
  }
  if (cover) await setEventCover(ctx, eventId, cover);
  throw redirect(`/events/${eventId}`);
}
