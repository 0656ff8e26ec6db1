import type { CityDto } from "../../worker/schemas/cities";
import { LabelledSelect } from "./labelled-select";

/**
 * A plain GET form, so switching city works without JavaScript. It submits only on the
 * button: changing page on every arrow key in a select would fail WCAG 3.2.2.
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
      <LabelledSelect label="City" name="city" defaultValue={selected ?? ""}>
        {action === "/events" && <option value="">All cities</option>}
        {cities.map((city) => (
          <option key={city.slug} value={city.slug}>
            {city.name}, {city.country}
          </option>
        ))}
      </LabelledSelect>
      {children}
      <button type="submit" className="rounded-lg bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
        Show events
      </button>
    </form>
  );
}
