import type { CityDto } from "../../worker/schemas/cities";

/**
 * A plain GET form, so switching city works without JavaScript; with JavaScript,
 * choosing a city submits at once.
 */
export function CityPicker({
  cities,
  selected,
  action,
  children,
}: {
  cities: CityDto[];
  selected: string | undefined;
  action: string;
  children?: React.ReactNode;
}) {
  return (
    <form method="get" action={action} className="flex flex-wrap items-end gap-3" role="search" aria-label="Choose a city">
      <label className="flex flex-col gap-1 text-sm font-medium text-stone-700">
        City
        <select
          name="city"
          defaultValue={selected ?? ""}
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
          className="min-w-48 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
        >
          {action === "/events" && <option value="">All cities</option>}
          {cities.map((city) => (
            <option key={city.slug} value={city.slug}>
              {city.name}, {city.country}
            </option>
          ))}
        </select>
      </label>
      {children}
      <button type="submit" className="rounded-lg bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
        Show events
      </button>
    </form>
  );
}
