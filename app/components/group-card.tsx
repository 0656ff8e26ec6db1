export interface GroupSummary {
  slug: string;
  name: string;
  description: string;
  visibility: "public" | "private";
  kind: "city" | "interest";
  city: { slug: string; name: string } | null;
  memberCount: number;
  membership: { role: "admin" | "moderator" | "member"; status: "active" | "pending" } | null;
}

const ROLE_LABELS = { admin: "Admin", moderator: "Moderator", member: "Member" } as const;

export function GroupCard({ group }: { group: GroupSummary }) {
  return (
    <li className="rounded-2xl border border-stone-200 bg-white p-4">
      <p className="flex flex-wrap items-center gap-2 text-xs font-semibold uppercase tracking-wide">
        <span className="rounded-full bg-tango-50 px-2 py-0.5 text-tango-700">{group.kind === "city" ? "City community" : group.visibility === "private" ? "Private group" : "Public group"}</span>
        {group.city && <span className="text-stone-600">{group.city.name}</span>}
        {group.membership && (
          <span className="rounded-full bg-stone-100 px-2 py-0.5 text-stone-700">{group.membership.status === "pending" ? "Request sent" : ROLE_LABELS[group.membership.role]}</span>
        )}
      </p>
      <h3 className="mt-2 font-display text-lg font-bold text-tango-900">
        <a href={`/groups/${group.slug}`} className="hover:underline">
          {group.name}
        </a>
      </h3>
      {group.description && <p className="mt-1 line-clamp-2 text-sm text-stone-700">{group.description}</p>}
      <p className="mt-2 text-sm text-stone-600">
        {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
      </p>
    </li>
  );
}

export function GroupGrid({ groups, label }: { groups: GroupSummary[]; label: string }) {
  return (
    <ul aria-label={label} className="mt-3 grid gap-3 sm:grid-cols-2">
      {groups.map((g) => (
        <GroupCard key={g.slug} group={g} />
      ))}
    </ul>
  );
}
