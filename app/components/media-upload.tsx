import { useEffect, useId, useRef, useState } from "react";

/** What POST /api/v1/media answers; also what a page passes back after a failed submit. */
export interface UploadedMedia {
  id: string;
  url: string;
  width: number;
  height: number;
}

export const MEDIA_ACCEPT = "image/jpeg,image/png,image/webp,image/gif";
const MAX_BYTES = 10 * 1024 * 1024;

type Item =
  | { key: string; name: string; preview: string; state: "uploading"; loaded: number; total: number }
  | { key: string; name: string; preview: string; state: "done"; media: UploadedMedia }
  | { key: string; name: string; preview: string; state: "failed"; error: string };

/**
 * Pictures for a post or a story, inside the page's own form.
 *
 * Without JavaScript it is a plain file input named `name` (default `files`): the form is sent as
 * multipart and the page action stores the files with `uploadMediaFiles` (worker/services/media.ts).
 * With JavaScript each chosen file is uploaded at once to POST /api/v1/media (the session cookie
 * authenticates the same-origin call) with a labelled progress bar, a thumbnail and a remove
 * button; the form then carries hidden `mediaIds` inputs instead of the files, and submitting
 * waits until every upload has finished. Refusals are shown in words, from the problem's detail.
 */
export function MediaUpload({
  name = "files",
  max = 6,
  label = "Add pictures",
  initial = [],
  error,
}: {
  /** Field of the file input when the form is sent without JavaScript. */
  name?: string;
  /** How many pictures at most (6 for a post, 1 for a story). */
  max?: number;
  label?: string;
  /** Pictures already uploaded (kept when a submit came back with problems). */
  initial?: UploadedMedia[];
  /** The page action's message for this field. */
  error?: string;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const requests = useRef(new Map<string, XMLHttpRequest>());
  const [items, setItems] = useState<Item[]>(() => initial.map((media) => ({ key: media.id, name: "", preview: media.url, state: "done", media })));
  const [notice, setNotice] = useState<string | undefined>();
  const busy = items.some((item) => item.state === "uploading");

  // Submitting while a picture is still on its way would post without it: hold the form.
  useEffect(() => {
    const form = input.current?.form;
    if (!form || !busy) return;
    const hold = (event: SubmitEvent) => {
      event.preventDefault();
      setNotice("Wait until your pictures have finished uploading, then send again.");
    };
    form.addEventListener("submit", hold);
    return () => form.removeEventListener("submit", hold);
  }, [busy]);

  // Stop uploads and free previews when the component goes away.
  useEffect(() => {
    const pending = requests.current;
    return () => {
      for (const xhr of pending.values()) xhr.abort();
    };
  }, []);

  function update(key: string, next: (item: Item) => Item) {
    setItems((current) => current.map((item) => (item.key === key ? next(item) : item)));
  }

  function upload(file: File, key: string) {
    const xhr = new XMLHttpRequest();
    requests.current.set(key, xhr);
    xhr.open("POST", "/api/v1/media");
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) update(key, (item) => (item.state === "uploading" ? { ...item, loaded: event.loaded, total: event.total } : item));
    });
    const fail = (message: string) => update(key, (item) => ({ key, name: item.name, preview: item.preview, state: "failed", error: message }));
    xhr.addEventListener("load", () => {
      requests.current.delete(key);
      if (xhr.status === 201) {
        try {
          const media = JSON.parse(xhr.responseText) as UploadedMedia;
          update(key, (item) => ({ key, name: item.name, preview: item.preview, state: "done", media }));
        } catch {
          fail("The server answered strangely; try again.");
        }
        return;
      }
      fail(problemMessage(xhr.status, xhr.responseText));
    });
    xhr.addEventListener("error", () => {
      requests.current.delete(key);
      fail("The upload failed; check your connection and try again.");
    });
    const body = new FormData();
    body.append("file", file);
    xhr.send(body);
  }

  function choose(files: FileList | null) {
    if (!files || files.length === 0) return;
    setNotice(undefined);
    const room = max - items.filter((item) => item.state !== "failed").length;
    const chosen = [...files].slice(0, Math.max(0, room));
    if (files.length > chosen.length) setNotice(max === 1 ? "Only one picture fits here." : `At most ${max} pictures; the rest were left out.`);
    const added: Item[] = chosen.map((file) => {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      const preview = URL.createObjectURL(file);
      if (file.size > MAX_BYTES) return { key, name: file.name, preview, state: "failed", error: "This picture is larger than 10 MB; choose a smaller one." };
      return { key, name: file.name, preview, state: "uploading", loaded: 0, total: file.size };
    });
    setItems((current) => [...current.filter((item) => item.state !== "failed"), ...added]);
    chosen.forEach((file, i) => {
      if (added[i]!.state === "uploading") upload(file, added[i]!.key);
    });
    // The files now travel as mediaIds; the form must not send them a second time.
    if (input.current) input.current.value = "";
  }

  function remove(key: string) {
    requests.current.get(key)?.abort();
    requests.current.delete(key);
    setItems((current) => {
      const gone = current.find((item) => item.key === key);
      if (gone?.preview.startsWith("blob:")) URL.revokeObjectURL(gone.preview);
      return current.filter((item) => item.key !== key);
    });
  }

  const full = items.filter((item) => item.state !== "failed").length >= max;
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor={`${id}-input`} className="text-sm font-medium text-stone-700">
        {label}
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        name={name}
        type="file"
        accept={MEDIA_ACCEPT}
        multiple={max > 1}
        disabled={full}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
        aria-invalid={error ? true : undefined}
        onChange={(event) => choose(event.currentTarget.files)}
        className="text-sm text-stone-700 file:mr-3 file:rounded-full file:border file:border-tango-600 file:bg-white file:px-3 file:py-1 file:text-sm file:font-semibold file:text-tango-700"
      />
      <p id={`${id}-hint`} className="text-xs text-stone-600">
        {`JPEG, PNG, WebP or GIF, up to 10 MB${max > 1 ? ` each, at most ${max}` : ""}. Location data is removed.`}
      </p>
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
      <p role="status" aria-live="polite" className="text-sm text-stone-700">
        {notice}
      </p>
      {items.length > 0 && (
        <ul className="flex flex-wrap gap-3" aria-label="Chosen pictures">
          {items.map((item, index) => (
            <li key={item.key} className="flex w-32 flex-col gap-1 rounded-lg border border-stone-200 bg-stone-50 p-2">
              <img src={item.preview} alt={item.name ? `Preview of ${item.name}` : `Picture ${index + 1}`} className="h-24 w-full rounded object-cover" />
              {item.state === "uploading" && (
                <progress
                  className="w-full accent-tango-600"
                  max={item.total || 1}
                  value={item.loaded}
                  aria-label={`Uploading ${item.name || `picture ${index + 1}`}`}
                />
              )}
              {item.state === "done" && <input type="hidden" name="mediaIds" value={item.media.id} />}
              {item.state === "failed" && (
                <p role="alert" className="text-xs text-red-700">
                  {item.error}
                </p>
              )}
              <button
                type="button"
                onClick={() => remove(item.key)}
                className="rounded-full border border-stone-300 px-2 py-0.5 text-xs text-stone-700 hover:border-red-600 hover:text-red-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600"
              >
                Remove<span className="sr-only"> {item.name || `picture ${index + 1}`}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The problem+json `detail`, or a sentence for the status when the body says nothing useful. */
export function problemMessage(status: number, body: string): string {
  try {
    const problem = JSON.parse(body) as { detail?: unknown };
    if (typeof problem.detail === "string" && problem.detail) return problem.detail;
  } catch {
    // fall through to the status
  }
  if (status === 401) return "Your session ended; sign in again to upload pictures.";
  if (status === 413) return "This picture is larger than 10 MB; choose a smaller one.";
  if (status === 415) return "This file is not a JPEG, PNG, WebP or GIF picture.";
  if (status === 429) return "Too many uploads for now; try again later.";
  return "The upload failed; try again.";
}
