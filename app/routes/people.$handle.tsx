import { data } from "react-router";
import type { Route } from "./+types/people.$handle";
import { externalHref, SOCIAL_NETWORK_LABELS } from "../lib/social-links";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { handleSchema } from "../../worker/schemas/auth";
import { socialNetworks } from "../../worker/schemas/social-networks";
import { getPublicProfile } from "../../worker/services/users";

const TANGO_ROLE_LABELS = { leader: "Leader", follower: "Follower", both: "Leads and follows" } as const;

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: loaderData ? `${loaderData.displayName} (@${loaderData.handle}) — Mundo Tango` : "Member not found — Mundo Tango" }];
}

export async function loader({ params, context }: Route.LoaderArgs) {
  const handle = handleSchema.safeParse(params.handle);
  if (!handle.success) throw data(null, { status: 404 });
  try {
    return await getPublicProfile(context.get(serverContext).ctx, handle.data);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    throw error;
  }
}

export default function Person({ loaderData: person }: Route.ComponentProps) {
  const website = externalHref(person.website);
  const links = socialNetworks.flatMap((network) => {
    const href = externalHref(person.socialLinks[network]);
    return href ? [{ network, href }] : [];
  });
  return (
    <article className="mx-auto max-w-2xl rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
      <header className="flex items-center gap-4">
        {person.avatarUrl ? (
          <img src={person.avatarUrl} alt="" width={64} height={64} className="h-16 w-16 rounded-full object-cover" />
        ) : (
          <span aria-hidden="true" className="grid h-16 w-16 place-items-center rounded-full bg-tango-100 font-display text-2xl font-bold text-tango-700">
            {[...person.displayName][0]?.toUpperCase() ?? "?"}
          </span>
        )}
        <div>
          <h1 className="font-display text-3xl font-bold text-tango-900">{person.displayName}</h1>
          <p className="text-stone-500">@{person.handle}</p>
        </div>
      </header>
      <dl className="mt-6 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        {person.tangoRole && <Fact label="Dances as" value={TANGO_ROLE_LABELS[person.tangoRole]} />}
        {person.homeCity && <Fact label="Home city" value={person.homeCity.name} />}
        {person.yearsDancing !== null && <Fact label="Dancing for" value={`${person.yearsDancing} ${person.yearsDancing === 1 ? "year" : "years"}`} />}
        {person.languages.length > 0 && <Fact label="Speaks" value={person.languages.join(", ")} />}
        <Fact label="Member since" value={new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(person.memberSince))} />
      </dl>
      {person.bio && <p className="mt-6 whitespace-pre-line text-stone-700">{person.bio}</p>}
      {(website || links.length > 0) && (
        <ul aria-label="Links" className="mt-6 flex flex-wrap gap-3 text-sm">
          {website && (
            <li>
              <a className="font-semibold text-tango-700 underline" href={website} rel="nofollow ugc noopener" target="_blank">
                Website
              </a>
            </li>
          )}
          {links.map(({ network, href }) => (
            <li key={network}>
              <a className="font-semibold text-tango-700 underline" href={href} rel="nofollow ugc noopener" target="_blank">
                {SOCIAL_NETWORK_LABELS[network]}
              </a>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-stone-500">{label}</dt>
      <dd className="font-medium text-ink">{value}</dd>
    </div>
  );
}
