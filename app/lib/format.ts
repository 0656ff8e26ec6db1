/**
 * Event times are stored as UTC instants and shown in the venue's own zone: a dancer
 * travelling to Berlin wants "21:00" as the organizer wrote it, not their laptop's time.
 */
export function formatEventDate(startsAt: string, timeZone: string, locale = "en-GB"): string {
  return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", timeZone }).format(new Date(startsAt));
}

export function formatEventTimeRange(startsAt: string, endsAt: string, timeZone: string, locale = "en-GB"): string {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const zone = new Intl.DateTimeFormat(locale, { timeZoneName: "short", timeZone })
    .formatToParts(start)
    .find((part) => part.type === "timeZoneName")?.value;
  const multiDay = end.getTime() - start.getTime() >= 86_400_000;
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
  const range = multiDay
    ? `${formatEventDate(startsAt, timeZone, locale)} – ${formatEventDate(endsAt, timeZone, locale)}`
    : `${time.format(start)}–${time.format(end)}`;
  return zone ? `${range} (${zone})` : range;
}

export function formatPrice(price: { amountMinor: number; currency: string } | null, locale = "en-GB"): string {
  if (!price) return "Free";
  // Minor units are not always cents: JPY and KRW have none.
  const formatter = new Intl.NumberFormat(locale, { style: "currency", currency: price.currency });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(price.amountMinor / 10 ** digits);
}

export { EVENT_TYPE_LABELS } from "../../db/schema/event-types";
