import { useId } from "react";
import { FormAlert } from "./form-field";
import { MediaUpload } from "./media-upload";
import type { FormProblems } from "../lib/form-problems";

export interface ComposerGroup {
  id: string;
  name: string;
}

/**
 * Write a post: body, pictures, who sees it, and the group when it is a group post. A plain
 * multipart form (intent=post) handled by app/lib/post-form.server.ts, so it works without
 * JavaScript (pictures then travel as files); what was typed comes back with the problems.
 */
export function PostComposer({
  groups,
  problems,
  submitted,
  eventId,
  fixedGroup,
  label = "Share something with the tango world",
  action,
  returnTo,
}: {
  groups: ComposerGroup[];
  problems?: FormProblems;
  submitted?: { body?: string; visibility?: string; groupId?: string };
  /** Posting from an event page makes a memory of that event. */
  eventId?: string;
  /** Posting from a group page: the group is fixed. */
  fixedGroup?: ComposerGroup;
  label?: string;
  /** Where the form is sent; default the page it sits on. */
  action?: string;
  /** Where to come back to after posting (a path on this site). */
  returnTo?: string;
}) {
  const id = useId();
  const fields = problems?.fields ?? {};
  const bodyError = fields.body;
  const visibility = fixedGroup ? "group" : (submitted?.visibility ?? "public");
  return (
    <form method="post" action={action} encType="multipart/form-data" className="flex flex-col gap-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-label`}>
      <input type="hidden" name="intent" value="post" />
      {returnTo && <input type="hidden" name="returnTo" value={returnTo} />}
      {eventId && <input type="hidden" name="eventId" value={eventId} />}
      <FormAlert message={problems?.form} />
      <div className="flex flex-col gap-1">
        <label id={`${id}-label`} htmlFor={`${id}-body`} className="text-sm font-medium text-stone-700">
          {label}
        </label>
        <textarea
          id={`${id}-body`}
          name="body"
          rows={3}
          maxLength={5000}
          defaultValue={submitted?.body ?? ""}
          aria-invalid={bodyError ? true : undefined}
          aria-describedby={`${id}-hint${bodyError ? ` ${id}-error` : ""}`}
          className={`rounded-lg border bg-white px-3 py-2 text-base text-ink ${bodyError ? "border-red-600" : "border-stone-300"}`}
        />
        <p id={`${id}-hint`} className="text-xs text-stone-600">
          *emphasis*, [links](https://…), @handle to mention someone, #hashtags. Up to 5,000 characters.
        </p>
        {bodyError && (
          <p id={`${id}-error`} className="text-sm text-red-700">
            {bodyError}
          </p>
        )}
      </div>
      <MediaUpload name="files" max={6} label="Pictures (up to 6)" error={fields.files ?? fields.mediaIds} />
      <div className="flex flex-wrap items-end gap-3">
        {fixedGroup ? (
          <>
            <input type="hidden" name="visibility" value="group" />
            <input type="hidden" name="groupId" value={fixedGroup.id} />
            <p className="text-sm text-stone-600">Only members of {fixedGroup.name} will see it.</p>
          </>
        ) : (
          <>
            <div className="flex flex-col gap-1">
              <label htmlFor={`${id}-visibility`} className="text-sm font-medium text-stone-700">
                Who can see it
              </label>
              <select id={`${id}-visibility`} name="visibility" defaultValue={visibility} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink">
                <option value="public">Everyone</option>
                <option value="followers">My followers</option>
                {groups.length > 0 && <option value="group">A group I'm in</option>}
              </select>
              {fields.visibility && <p className="text-sm text-red-700">{fields.visibility}</p>}
            </div>
            {groups.length > 0 && (
              <div className="flex flex-col gap-1">
                <label htmlFor={`${id}-group`} className="text-sm font-medium text-stone-700">
                  Group (for group posts)
                </label>
                <select id={`${id}-group`} name="groupId" defaultValue={submitted?.groupId ?? ""} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink">
                  <option value="">—</option>
                  {groups.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name}
                    </option>
                  ))}
                </select>
                {fields.groupId && <p className="text-sm text-red-700">{fields.groupId}</p>}
              </div>
            )}
          </>
        )}
        <button type="submit" className="ml-auto rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
          Post
        </button>
      </div>
    </form>
  );
}
