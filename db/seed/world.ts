import { TZDate } from "@date-fns/tz";
import type { EventType, PostVisibility, ReactionType, TangoRole } from "../schema";
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

export interface GroupRow { id: string; slug: string; name: string; description: string; visibility: "public" | "private"; kind: "interest"; city_id: string; created_by: string; created_at: string }
export interface PostRow { id: string; author_id: string; body: string; visibility: PostVisibility; group_id: string | null; event_id: string | null; city_id: string; created_at: string }
export interface CommentRow { id: string; post_id: string; author_id: string; parent_id: null; body: string; created_at: string }

/**
 * The community. The big relations are kept as flat lists of indexes into `users` and
 * `posts` (not objects), so a bench-scale world of two million follows stays small in memory
 * and in SQL (db/seed/sql.ts joins the indexes back to ids through rowids).
 */
export interface Community {
  /** follower, followee, follower, followee, … as indexes into `users`. */
  follows: number[];
  /** Interest groups; every city also has its community group, made in SQL (db/seed/sql.ts). */
  groups: GroupRow[];
  /** group index, member index, role (0 admin, 2 member), … : interest group memberships. */
  groupMembers: number[];
  posts: PostRow[];
  comments: CommentRow[];
  /** post index, member index, type index (REACTION_TYPES), … */
  reactions: number[];
}

export const REACTION_TYPES: readonly ReactionType[] = ["like", "love", "fire", "applause"];
/** The member the bench signs in as: follows FEED_BENCH_FOLLOWEES others, in Buenos Aires. */
export const FEED_BENCH_MEMBER_INDEX = 0;
export const FEED_BENCH_FOLLOWEES = 250;

export interface World extends Community {
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

  const community = generateCommunity(random, { users, cities, series, today });
  return { cities, venues, users, events, series, eventOrganizers, occurrences, ...community };
}

const INTEREST_GROUPS = [
  { name: "Vals lovers", description: "Dancers who live for the vals tanda: practice nights and playlists." },
  { name: "Milongueros de la vieja guardia", description: "Close embrace, códigos and the old orchestras. Cabeceo spoken here." },
  { name: "Tango nuevo lab", description: "Experiments, volcadas and alternative music. Privada: ask to join." },
];

const POST_OPENERS = ["¡Qué noche en la milonga!", "Gracias a todos por la práctica de hoy.", "Anoche bailé una tanda de D'Arienzo inolvidable.", "Canción del día: La Cumparsita.", "First milonga after a long winter, corazón lleno.", "Buscando pareja para el festival de marzo.", "Qué lindo abrazo en la práctica.", "The DJ played Pugliese at 3 a.m. and nobody left.", "Aprendiendo ochos cortados, paso a paso.", "Música, abrazo y amigos: eso es el tango."];
const POST_CLOSERS = ["#tango", "#milonga", "#vals", "#abrazo", "#práctica", "#tangolife", "#cabeceo", ""];
const COMMENTS = ["¡Qué lindo!", "See you next week!", "Gracias por compartir.", "That tanda was magic.", "¡Me encantó!", "Next time I'm coming too.", "Abrazo grande."];

/**
 * Follows skewed toward a few popular members (teachers, DJs), city communities for everyone,
 * three interest groups per city, posts (public, followers-only, group; some memories of a
 * series in the author's city) over the last 60 days, with comments and reactions.
 */
function generateCommunity(random: Random, { users, cities, series, today }: { users: UserRow[]; cities: CityRow[]; series: EventRow[]; today: Date }): Community {
  const n = users.length;
  const cityCount = cities.length;
  const cityIndexOf = (i: number) => i % cityCount;
  // Members are assigned to cities round-robin: the k-th member of city c is c + k * cityCount.
  const membersInCity = (c: number) => Math.floor((n - 1 - c) / cityCount) + 1;
  const nthInCity = (c: number, k: number) => c + k * cityCount;
  // Skewed pick: r³ crowds toward index 0, so the first members of each list are the popular ones.
  const skewed = (size: number) => Math.min(size - 1, Math.floor(size * random.next() ** 3));

  const follows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === FEED_BENCH_MEMBER_INDEX) {
      // The bench's reader follows the first members of every city: the popular, prolific ones.
      for (let followee = 0; followee <= Math.min(FEED_BENCH_FOLLOWEES, n - 1); followee++) if (followee !== i) follows.push(i, followee);
      continue;
    }
    const target = Math.min(random.int(10, 30), n - 1);
    const chosen = new Set<number>();
    const c = cityIndexOf(i);
    for (let tries = 0; chosen.size < target && tries < target * 4; tries++) {
      // Two in three follows stay in the member's city; the rest go to the global favourites.
      const followee = random.next() < 0.66 ? nthInCity(c, skewed(membersInCity(c))) : skewed(n);
      if (followee !== i) chosen.add(followee);
    }
    for (const followee of chosen) follows.push(i, followee);
  }

  const groups: GroupRow[] = [];
  const groupMembers: number[] = [];
  const groupsOfCity: number[][] = cities.map(() => []);
  cities.forEach((city, c) => {
    INTEREST_GROUPS.forEach((g, k) => {
      const creator = nthInCity(c, k);
      if (creator >= n) return;
      const index = groups.length;
      groups.push({
        id: uuidv7(today.getTime() - 200 * 86_400_000 + index, random.bytes(10)),
        slug: `${slugify(g.name)}-${city.slug}`.slice(0, 60),
        name: `${g.name} ${city.name}`,
        description: g.description,
        visibility: k === 2 ? "private" : "public",
        kind: "interest",
        city_id: city.id,
        created_by: users[creator]!.id,
        created_at: new Date(today.getTime() - 200 * 86_400_000 + index).toISOString(),
      });
      groupsOfCity[c]!.push(index);
      groupMembers.push(index, creator, 0);
      for (let k2 = 0; k2 < membersInCity(c); k2++) {
        const member = nthInCity(c, k2);
        if (member !== creator && random.next() < 0.25) groupMembers.push(index, member, 2);
      }
    });
  });
  const memberGroups = new Map<number, number[]>();
  for (let j = 0; j < groupMembers.length; j += 3) {
    const list = memberGroups.get(groupMembers[j + 1]!) ?? [];
    list.push(groupMembers[j]!);
    memberGroups.set(groupMembers[j + 1]!, list);
  }

  const posts: PostRow[] = [];
  const comments: CommentRow[] = [];
  const reactions: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = cityIndexOf(i);
    const count = random.int(0, 3);
    for (let k = 0; k < count; k++) {
      const at = today.getTime() - random.int(1, 60 * 24 * 60) * 60_000;
      const roll = random.next();
      const mine = memberGroups.get(i);
      const visibility: PostVisibility = roll < 0.6 || (roll >= 0.85 && !mine) ? "public" : roll < 0.85 ? "followers" : "group";
      const closer = random.pick(POST_CLOSERS);
      const memory = visibility === "public" && random.next() < 0.25 ? series[c * 2 + random.int(0, 1)] : undefined;
      const body = `${random.pick(POST_OPENERS)}${memory ? ` ${memory.title}.` : ""}${closer ? ` ${closer}` : ""}`;
      const postIndex = posts.length;
      const post: PostRow = {
        id: uuidv7(at, random.bytes(10)),
        author_id: users[i]!.id,
        body,
        visibility,
        group_id: visibility === "group" ? groups[random.pick(mine!)]!.id : null,
        event_id: memory?.id ?? null,
        city_id: cities[c]!.id,
        created_at: new Date(at).toISOString(),
      };
      posts.push(post);
      const reactors = new Set<number>();
      const reactionCount = random.int(0, 4);
      for (let r = 0; r < reactionCount; r++) reactors.add(nthInCity(c, skewed(membersInCity(c))));
      for (const reactor of reactors) reactions.push(postIndex, reactor, random.int(0, REACTION_TYPES.length - 1));
      if (random.next() < 0.4) {
        const commentAt = Math.min(at + random.int(5, 600) * 60_000, today.getTime());
        comments.push({
          id: uuidv7(commentAt, random.bytes(10)),
          post_id: post.id,
          author_id: users[nthInCity(c, skewed(membersInCity(c)))]!.id,
          parent_id: null,
          body: random.pick(COMMENTS),
          created_at: new Date(commentAt).toISOString(),
        });
      }
    }
  }
  return { follows, groups, groupMembers, posts, comments, reactions };
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
