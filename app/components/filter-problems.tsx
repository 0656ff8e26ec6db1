import type { FieldError } from "../../worker/errors";

/** Why a listing's filters (from its URL) could not be used, and a link to the unfiltered list. */
export function FilterProblems({ problems, startOver }: { problems: FieldError[]; startOver: string }) {
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="mt-6 rounded-2xl border border-red-200 bg-red-50 p-4 text-red-800">
      <p className="font-semibold">We could not use those filters.</p>
      <ul className="mt-1 list-disc pl-5 text-sm">
        {problems.map((p) => (
          <li key={p.path}>{p.message}</li>
        ))}
      </ul>
      <a className="mt-2 inline-block font-semibold underline" href={startOver}>
        Start over
      </a>
    </div>
  );
}
