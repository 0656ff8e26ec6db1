import { useId, type ReactNode } from "react";

/** A labelled input whose error is announced and tied to it for screen readers. */
export function FormField({
  label,
  name,
  type = "text",
  error,
  hint,
  defaultValue,
  autoComplete,
  required = true,
}: {
  label: string;
  name: string;
  type?: string;
  error?: string;
  hint?: string;
  defaultValue?: string;
  autoComplete?: string;
  required?: boolean;
}) {
  return (
    <LabelledControl id={useId()} label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={name}
          type={type}
          required={required}
          defaultValue={defaultValue}
          autoComplete={autoComplete}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={`rounded-lg border bg-white px-3 py-2 text-base text-ink ${error ? "border-red-600" : "border-stone-300"}`}
        />
      )}
    </LabelledControl>
  );
}

export function FormAlert({ message, tone = "error" }: { message?: string; tone?: "error" | "success" }) {
  if (!message) return null;
  const colors = tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-800";
  return (
    <p role={tone === "error" ? "alert" : "status"} className={`rounded-xl border p-3 text-sm ${colors}`}>
      {message}
    </p>
  );
}

export function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mx-auto w-full max-w-md rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="font-display text-3xl font-bold text-tango-900">{title}</h1>
      <div className="mt-6 flex flex-col gap-4">{children}</div>
    </section>
  );
}

export function SubmitButton({ children }: { children: React.ReactNode }) {
  return (
    <button type="submit" className="rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
      {children}
    </button>
  );
}

/**
 * A label, the control `children` renders (given the ids that tie the hint and the error to
 * it, for screen readers), then the hint and the error: for selects and inputs alike.
 */
export function LabelledControl({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: (control: { id: string; describedBy?: string; invalid?: true }) => ReactNode;
}) {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-stone-700">
        {label}
      </label>
      {children({ id, describedBy, invalid: error ? true : undefined })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-stone-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
