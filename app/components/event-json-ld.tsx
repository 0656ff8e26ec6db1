import type { EventDetail } from "../../worker/schemas/events";

export interface JsonLdDates {
  startsAt: string;
  endsAt: string;
  startLocal: string;
  endLocal: string;
}

export interface JsonLdOffer {
  name?: string;
  amountMinor: number;
  currency: string;
  available: boolean;
}

/** "2027-03-12T21:00" + the instant it names → "2027-03-12T21:00:00-03:00", the venue's clock with its offset. */
export function localWithOffset(local: string, instant: string): string {
  const offsetMinutes = Math.round((Date.parse(`${local}:00Z`) - Date.parse(instant)) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}:00${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function decimalPrice(amountMinor: number, currency: string): string {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (amountMinor / 10 ** digits).toFixed(digits);
}

/** schema.org DanceEvent for search engines, from what the page already shows. */
export function danceEventJsonLd({
  event,
  dates,
  url,
  origin,
  description,
  offers,
}: {
  event: EventDetail;
  dates: JsonLdDates;
  url: string;
  origin: string;
  description: string;
  offers: JsonLdOffer[];
}): Record<string, unknown> {
  const person = (p: { displayName: string; handle: string }) => ({ "@type": "Person", name: p.displayName, url: `${origin}/people/${p.handle}` });
  return {
    "@context": "https://schema.org",
    "@type": "DanceEvent",
    name: event.title,
    description: description || undefined,
    url,
    image: event.coverUrl ? `${origin}${event.coverUrl}` : undefined,
    startDate: localWithOffset(dates.startLocal, dates.startsAt),
    endDate: localWithOffset(dates.endLocal, dates.endsAt),
    eventStatus: event.status === "cancelled" ? "https://schema.org/EventCancelled" : "https://schema.org/EventScheduled",
    eventAttendanceMode: "https://schema.org/OfflineEventAttendanceMode",
    location: {
      "@type": "Place",
      name: event.venue.name,
      address: { "@type": "PostalAddress", streetAddress: event.venue.address, addressLocality: event.city.name, addressCountry: event.city.country },
      geo: event.venue.lat !== null && event.venue.lng !== null ? { "@type": "GeoCoordinates", latitude: event.venue.lat, longitude: event.venue.lng } : undefined,
    },
    organizer: event.organizers.length ? event.organizers.map(person) : undefined,
    performer: event.lineup.length
      ? event.lineup.map((entry) => ({
          "@type": entry.role === "orchestra" ? "MusicGroup" : "Person",
          name: entry.name,
          url: entry.handle ? `${origin}/people/${entry.handle}` : undefined,
        }))
      : undefined,
    offers: offers.length
      ? offers.map((offer) => ({
          "@type": "Offer",
          name: offer.name,
          price: decimalPrice(offer.amountMinor, offer.currency),
          priceCurrency: offer.currency,
          url,
          availability: offer.available ? "https://schema.org/InStock" : "https://schema.org/SoldOut",
        }))
      : undefined,
  };
}

/**
 * JSON inside <script> must not be able to end the element: every "<" (and ">" "&", and the
 * line separators old parsers choke on) becomes a \u escape, which JSON.parse reads back.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function JsonLd({ data, nonce }: { data: Record<string, unknown>; nonce?: string }) {
  // Browsers hide a nonce attribute's value from the DOM once parsed, as React Router's own scripts know.
  return <script type="application/ld+json" nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: scriptSafeJson(data) }} />;
}
