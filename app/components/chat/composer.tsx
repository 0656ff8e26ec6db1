import { useId, useRef } from "react";
import { MAX_MESSAGE_CHARS, messageBodyProblem } from "../../../durable-objects/chat-protocol";

/**
 * The message box. Without JavaScript it is a plain POST form to the conversation's action,
 * carrying a clientId made when the page was rendered, so a double submit stores one message.
 * With JavaScript `onSend` takes the text (the live connection sends it) and the form is not
 * submitted; Enter sends, Shift+Enter starts a new line.
 */
export function Composer({
  clientId,
  error,
  defaultBody,
  onSend,
  onTyping,
}: {
  clientId: string;
  error?: string | null;
  defaultBody?: string;
  onSend?: (body: string) => void;
  onTyping?: () => void;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const box = useRef<HTMLTextAreaElement>(null);
  return (
    <form
      method="post"
      className="border-t border-stone-200 bg-white p-3"
      onSubmit={(event) => {
        if (!onSend) return;
        event.preventDefault();
        const text = box.current?.value ?? "";
        if (messageBodyProblem(text)) return;
        onSend(text);
        if (box.current) box.current.value = "";
        box.current?.focus();
      }}
    >
      <input type="hidden" name="intent" value="send" />
      <input type="hidden" name="clientId" value={clientId} />
      {error && (
        <p id={errorId} role="alert" className="mb-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <div className="flex items-end gap-2">
        <label htmlFor={id} className="sr-only">
          Write a message
        </label>
        <textarea
          ref={box}
          id={id}
          name="body"
          rows={2}
          required
          maxLength={MAX_MESSAGE_CHARS}
          defaultValue={defaultBody}
          placeholder="Write a message…"
          aria-describedby={[error ? errorId : "", onSend ? hintId : ""].filter(Boolean).join(" ") || undefined}
          aria-invalid={error ? true : undefined}
          onInput={() => onTyping?.()}
          onKeyDown={(event) => {
            if (!onSend || event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }}
          className="max-h-40 min-h-11 flex-1 resize-y rounded-xl border border-stone-300 bg-white px-3 py-2 text-base text-ink focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600"
        />
        <button type="submit" className="h-11 shrink-0 rounded-full bg-tango-600 px-5 font-semibold text-white hover:bg-tango-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-tango-600">
          Send
        </button>
      </div>
      {/* The line is there before hydration too (empty), so the history above does not jump when it appears. */}
      <p id={hintId} className="mt-1 hidden h-4 text-xs leading-4 text-stone-600 sm:block">
        {onSend ? "Enter sends, Shift+Enter starts a new line." : ""}
      </p>
    </form>
  );
}
