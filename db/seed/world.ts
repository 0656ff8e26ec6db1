import { TZDate } from "@date-fns/tz";
import type { EventType, TangoRole } from "../schema";
import { uuidv7 } from "../../worker/lib/ids.ts";
import { occurrenceKeyOf } from "../../worker/lib/occurrence-key.ts";
import { eventSearchText } from "../../worker/lib/search-text.ts";
import { SEED_CITIES, type SeedCity } from "./cities.ts";
import { createRandom, type Random } from "./prng.ts";

export interface WorldOptions {
  /** 1 is the everyday demo world; the benchmark uses hundreds. */
  scale: number;
  /** Midnight UTC of the first day events may start. */
  today: Date;
  seed?: number;
}

export const MEMBERS_PER_SCALE = 240;
export const EVENTS_PER_SCALE = 480;
export const VENUES_PER_CITY = 6;

const FIRST_NAMES = ["Lucía", "Martín", "Sofía", "Diego", "Valentina", "Julián", "Camila", "Mateo", "Elena", "Pablo", "Inés", "Tomás", "Ana", "Carlos", "Marta", "Jonas", "Lena", "Hannah", "Felix", "Claire", "Hugo", "Chloé", "Aylin", "Emre", "Yuki", "Haruto", "Mina", "Ji-ho", "Grace", "Oliver", "Amelia", "Noah", "Isabela", "Rafael", "Zoe", "Nikos", "Eleni", "Marco", "Giulia", "Kasia"];
const LAST_NAMES = ["García", "Fernández", "López", "Martínez", "Rossi", "Bianchi", "Müller", "Schmidt", "Dubois", "Laurent", "Yılmaz", "Demir", "Tanaka", "Sato", "Kim", "Park", "Smith", "Brown", "Silva", "Costa", "Papadopoulos", "Nowak", "Kowalski", "van Dijk", "Novak", "Moreau", "Álvarez", "Romero", "Castro", "Ortega"];
const VENUE_PREFIXES = ["Salón", "Club", "Casa", "Espacio", "Estudio", "Confitería", "Sala"];
const VENUE_NAMES = ["El Abrazo", "La Ventanita", "Arrabal", "Corazón de Tango", "La Cumparsita", "Sentimiento", "El Firulete", "Milonguero", "La Yumba", "Bandoneón", "Malena", "La Viruta", "Gricel", "Caminito"];
const MILONGA_NAMES = ["de los Martes", "La Baldosa", "Sin Rumbo", "Cachirulo", "El Motivo", "Luna", "Porteña", "Tango y Vino", "Candombe", "Nuevo Milenio", "Bajo Fondo", "del Barrio"];
const TOPICS = ["musicality in D'Arienzo", "the milonga traspié", "vals turns", "close-embrace walking", "colgadas and volcadas", "ochos cortados", "dancing Pugliese", "the cabeceo", "leading and following enrosques", "tango for absolute beginners"];
const ROLES: TangoRole[] = ["leader", "follower", "both"];

interface TypeProfile {
  type: EventType;
  weight: number;
  startHours: [number, number];
  durationMinutes: [number, number];
  days?: [number, number];
  priceFactor: number;
}

const TYPE_PROFILES: TypeProfile[] = [
  { type: "milonga", weight: 45, startHours: [19, 22], durationMinutes: [240, 330], priceFactor: 1 },
  { type: "practica", weight: 20, startHours: [18, 21], durationMinutes: [150, 210], priceFactor: 0.5 },
  { type: "class", weight: 15, startHours: [18, 20], durationMinutes: [75, 90], priceFactor: 1.5 },
  { type: "workshop", weight: 10, startHours: [11, 16], durationMinutes: [90, 120], priceFactor: 3 },
  { type: "festival", weight: 5, startHours: [15, 18], durationMinutes: [0, 0], days: [2, 4], priceFactor: 12 },
  { type: "marathon", weight: 5, startHours: [14, 17], durationMinutes: [0, 0], days: [2, 3], priceFactor: 10 },
  { type: "concert", weight: 3, startHours: [20, 21], durationMinutes: [90, 120], priceFactor: 2.5 },
];

export interface CityRow { id: string; slug: string; name: string; country: string; country_code: string; continent: string; time_zone: string; latitude: number; longitude: number }
export interface VenueRow { id: string; city_id: string; name: string; address: string; latitude: number; longitude: number }
export interface UserRow { id: string; email: string; handle: string; display_name: string; tango_role: TangoRole; home_city_id: string; bio: string; years_dancing: number; created_at: string }
export interface EventRow { id: string; title: string; search_text: string; type: EventType; description: string; city_id: string; venue_id: string; organizer_id: string; starts_at: string; ends_at: string; time_zone: string; price_minor: number | null; currency: string | null; capacity: number | null; role_balance_tolerance: number | null; recurrence_rule: string | null; materialized_until: string | null; created_at: string; confirmed_at: string }
export interface OrganizerRow { event_id: string; user_id: string; role: "owner"; added_at: string }
export interface OccurrenceRow { event_id: string; occurrence_key: string; city_id: string; type: EventType; starts_at: string; ends_at: string; status: "scheduled" }

export interface World {
  cities: CityRow[];
  venues: VenueRow[];
  users: UserRow[];
  events: EventRow[];
  /** Weekly milongas, two per city whatever the scale: each is one event with many dates. */
  series: EventRow[];
  eventOrganizers: OrganizerRow[];
  occurrences: OccurrenceRow[];
}

/** A deterministic demo world: same seed, scale and day give byte-identical rows. */
export function generateWorld({ scale, today, seed = 20261122 }: WorldOptions): World {
  const random = createRandom(seed);
  const epoch = today.getTime() - 400 * 86_400_000;
  const idAt = (offsetMs: number) => uuidv7(epoch + offsetMs, random.bytes(10));

  const cities: CityRow[] = SEED_CITIES.map((c, i) => ({
    id: idAt(i),
    slug: c.slug,
    name: c.name,
    country: c.country,
    country_code: c.countryCode,
    continent: c.continent,
    time_zone: c.timeZone,
    latitude: c.latitude,
    longitude: c.longitude,
  }));

  const venues: VenueRow[] = cities.flatMap((city, ci) =>
    Array.from({ length: VENUES_PER_CITY }, (_, vi) => ({
      id: idAt(1000 + ci * 100 + vi),
      city_id: city.id,
      name: `${random.pick(VENUE_PREFIXES)} ${VENUE_NAMES[(ci * 5 + vi) % VENUE_NAMES.length]}`,
      address: `${random.pick(SEED_CITIES[ci]!.streets)} ${random.int(12, 2400)}`,
      latitude: round(city.latitude + (random.next() - 0.5) * 0.08),
      longitude: round(city.longitude + (random.next() - 0.5) * 0.08),
    })),
  );

  const memberCount = MEMBERS_PER_SCALE * scale;
  const users: UserRow[] = Array.from({ length: memberCount }, (_, i) => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const handle = `${slugify(first)}_${slugify(last)}_${i + 1}`.slice(0, 30);
    const city = cities[i % cities.length]!;
    const years = random.int(0, 30);
    return {
      id: idAt(100_000 + i * 10),
      email: `${handle}@example.test`,
      handle,
      display_name: `${first} ${last}`,
      tango_role: random.pick(ROLES),
      home_city_id: city.id,
      bio: years > 10 ? `Dancing tango for ${years} years in ${city.name}.` : `Learning tango in ${city.name}.`,
      years_dancing: years,
      created_at: new Date(epoch + 100_000 + i * 10).toISOString(),
    };
  });

  const eventCount = EVENTS_PER_SCALE * scale;
  const totalWeight = TYPE_PROFILES.reduce((sum, p) => sum + p.weight, 0);
  // Each city gets events in proportion to its scene, in a fixed rotation.
  const cityRotation = SEED_CITIES.flatMap((c, i) => Array.from({ length: c.sceneSize ?? 1 }, () => i));
  const events: EventRow[] = Array.from({ length: eventCount }, (_, i) => {
    const cityIndex = cityRotation[i % cityRotation.length]!;
    const city = cities[cityIndex]!;
    const seedCity = SEED_CITIES[cityIndex]!;
    const profile = pickProfile(random, totalWeight);
    const venue = venues[cityIndex * VENUES_PER_CITY + random.int(0, VENUES_PER_CITY - 1)]!;
    const day = new Date(today.getTime() + random.int(0, 89) * 86_400_000);
    const start = new TZDate(
      day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(),
      random.int(profile.startHours[0], profile.startHours[1]), random.pick([0, 0, 30]), 0,
      city.time_zone,
    );
    const end = profile.days
      ? new TZDate(start.getFullYear(), start.getMonth(), start.getDate() + random.int(profile.days[0], profile.days[1]), 2, 0, 0, city.time_zone)
      : new Date(start.getTime() + roundTo(random.int(profile.durationMinutes[0], profile.durationMinutes[1]), 15) * 60_000);
    const free = profile.type === "practica" && random.next() < 0.4;
    const createdAt = new Date(epoch + 10_000_000 + i * 10).toISOString();
    const title = titleFor(profile.type, random, seedCity, venue.name);
    return {
      id: idAt(10_000_000 + i * 10),
      title,
      search_text: eventSearchText([title, venue.name, city.name]),
      type: profile.type,
      description: descriptionFor(profile.type, seedCity.name, venue.name),
      city_id: city.id,
      venue_id: venue.id,
      organizer_id: users[random.int(0, users.length - 1)]!.id,
      starts_at: new Date(start.getTime()).toISOString(),
      ends_at: new Date(end.getTime()).toISOString(),
      time_zone: city.time_zone,
      price_minor: free ? null : toMinorUnits(Math.round(seedCity.entryPrice * profile.priceFactor), seedCity.currency),
      currency: free ? null : seedCity.currency,
      capacity: CAPACITY[profile.type] ?? null,
      role_balance_tolerance: profile.type === "marathon" ? 4 : null,
      recurrence_rule: null,
      materialized_until: null,
      created_at: createdAt,
      confirmed_at: createdAt,
    };
  });

  const series: EventRow[] = [];
  const occurrences: OccurrenceRow[] = [];
  cities.forEach((city, ci) => {
    for (let k = 0; k < SERIES_PER_CITY; k++) {
      const weekday = (ci * 3 + k * 4) % 7;
      const firstDay = new Date(today.getTime() + ((weekday - today.getUTCDay() + 7) % 7) * 86_400_000);
      const hour = 20 + k;
      const venue = venues[ci * VENUES_PER_CITY + k]!;
      const dates = Array.from({ length: SERIES_WEEKS }, (_, w) => {
        const day = new Date(firstDay.getTime() + w * 7 * 86_400_000);
        const start = new TZDate(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, 0, 0, city.time_zone);
        const end = new TZDate(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1, 1 + k, 0, 0, city.time_zone);
        return { startsAt: new Date(start.getTime()).toISOString(), endsAt: new Date(end.getTime()).toISOString() };
      });
      const title = `Milonga de los ${WEEKDAY_NAMES_ES[weekday]}`;
      const row: EventRow = {
        id: idAt(20_000_000 + ci * 10 + k),
        title,
        search_text: eventSearchText([title, venue.name, city.name]),
        type: "milonga",
        description: `Every ${WEEKDAY_NAMES_EN[weekday]} at ${venue.name}: traditional tandas, a DJ who reads the floor, cabeceo welcome.`,
        city_id: city.id,
        venue_id: venue.id,
        organizer_id: users[(ci * 7 + k) % users.length]!.id,
        starts_at: dates[0]!.startsAt,
        ends_at: dates[0]!.endsAt,
        time_zone: city.time_zone,
        price_minor: toMinorUnits(SEED_CITIES[ci]!.entryPrice, SEED_CITIES[ci]!.currency),
        currency: SEED_CITIES[ci]!.currency,
        capacity: null,
        role_balance_tolerance: null,
        recurrence_rule: `FREQ=WEEKLY;BYDAY=${RRULE_DAYS[weekday]}`,
        materialized_until: dates.at(-1)!.startsAt,
        created_at: today.toISOString(),
        confirmed_at: today.toISOString(),
      };
      series.push(row);
      for (const d of dates) occurrences.push({ event_id: row.id, occurrence_key: occurrenceKeyOf(d.startsAt), city_id: city.id, type: "milonga", starts_at: d.startsAt, ends_at: d.endsAt, status: "scheduled" });
    }
  });

  const eventOrganizers: OrganizerRow[] = [...events, ...series].map((e) => ({ event_id: e.id, user_id: e.organizer_id, role: "owner", added_at: e.created_at }));
  // A loop, not push(...spread): at bench scale there are 200,000 of them, too many arguments for one call.
  for (const e of events) {
    occurrences.push({ event_id: e.id, occurrence_key: occurrenceKeyOf(e.starts_at), city_id: e.city_id, type: e.type, starts_at: e.starts_at, ends_at: e.ends_at, status: "scheduled" });
  }

  return { cities, venues, users, events, series, eventOrganizers, occurrences };
}

const SERIES_PER_CITY = 2;
/** Dates materialized for each seeded series: the app's own horizon is 400 days (worker/services/occurrences.ts). */
const SERIES_WEEKS = 57;
const RRULE_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const WEEKDAY_NAMES_ES = ["Domingos", "Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábados"];
const WEEKDAY_NAMES_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Places at the events that sell out: marathons are role-balanced too. */
const CAPACITY: Partial<Record<EventType, number>> = { workshop: 30, marathon: 160, festival: 600 };

function pickProfile(random: Random, totalWeight: number): TypeProfile {
  let roll = random.next() * totalWeight;
  for (const profile of TYPE_PROFILES) {
    roll -= profile.weight;
    if (roll < 0) return profile;
  }
  return TYPE_PROFILES[0]!;
}

function titleFor(type: EventType, random: Random, city: SeedCity, venueName: string): string {
  switch (type) {
    case "milonga":
      return `Milonga ${random.pick(MILONGA_NAMES)}`;
    case "practica":
      return `Práctica at ${venueName}`;
    case "class":
      return `Class: ${random.pick(TOPICS)}`;
    case "workshop":
      return `Workshop: ${random.pick(TOPICS)} with ${random.pick(FIRST_NAMES)} & ${random.pick(FIRST_NAMES)}`;
    case "festival":
      return `${city.name} Tango Festival`;
    case "marathon":
      return `${city.name} Tango Marathon`;
    case "concert":
      return `Concert: Orquesta ${random.pick(["Típica", "Romántica", "del Arrabal", "Sexteto Milonguero"])} live`;
  }
}

function descriptionFor(type: EventType, cityName: string, venueName: string): string {
  const lines: Record<EventType, string> = {
    milonga: `Traditional tandas and cortinas at ${venueName}. Cabeceo welcome.`,
    practica: `Relaxed practice with music at ${venueName}; bring questions and a partner or come alone.`,
    class: `A group class at ${venueName}. All levels; no partner needed.`,
    workshop: `An intensive workshop at ${venueName}. Register early, places are limited.`,
    festival: `Classes by day, milongas by night: ${cityName}'s festival with live orchestras and guest DJs.`,
    marathon: `Non-stop milongas for experienced dancers, role-balanced registration, in ${cityName}.`,
    concert: `A live tango orchestra at ${venueName}, with a milonga after the last encore.`,
  };
  return lines[type];
}

/** ISO 4217 minor units differ (JPY and KRW have none), so ask Intl rather than assume cents. */
export function toMinorUnits(major: number, currency: string): number {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return major * 10 ** digits;
}

function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

function roundTo(n: number, step: number): number {
  return Math.round(n / step) * step;
}

function round(n: number): number {
  return Math.round(n * 1e5) / 1e5;
}
