import { useId } from "react";

/** A select with its own label element, so its accessible name is the label alone. */
export function LabelledSelect({
  label,
  name,
  defaultValue,
  children,
}: {
  label: string;
  name: string;
  defaultValue: string;
  children: React.ReactNode;
}) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-stone-700">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        className="min-w-48 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
      >
        {children}
      </select>
    </div>
  );
}
