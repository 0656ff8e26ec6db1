import type { ReactNode } from "react";

export interface ListedMember {
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}

export function Avatar({ member, size = 40 }: { member: ListedMember; size?: number }) {
  return member.avatarUrl ? (
    <img src={member.avatarUrl} alt="" width={size} height={size} style={{ width: size, height: size }} className="shrink-0 rounded-full object-cover" />
  ) : (
    <span aria-hidden="true" style={{ width: size, height: size }} className="grid shrink-0 place-items-center rounded-full bg-tango-100 font-display font-bold text-tango-700">
      {[...member.displayName][0]?.toUpperCase() ?? "?"}
    </span>
  );
}

/** People as rows linking to their profiles; `actions` renders buttons beside each. */
export function MemberList<T extends ListedMember>({ members, label, actions, detail }: { members: T[]; label: string; actions?: (m: T) => ReactNode; detail?: (m: T) => ReactNode }) {
  return (
    <ul aria-label={label} className="divide-y divide-stone-100">
      {members.map((m) => (
        <li key={m.handle} className="flex flex-wrap items-center gap-3 py-3">
          <Avatar member={m} />
          <div className="min-w-0 flex-1">
            <a href={`/people/${m.handle}`} className="font-semibold text-ink hover:text-tango-700 hover:underline">
              {m.displayName}
            </a>
            <p className="text-sm text-stone-600">
              @{m.handle}
              {detail && <> · {detail(m)}</>}
            </p>
          </div>
          {actions && <div className="flex flex-wrap gap-2">{actions(m)}</div>}
        </li>
      ))}
    </ul>
  );
}

/** "Next page" for keyset-paginated lists: the cursor travels in the URL. */
export function NextPageLink({ nextCursor, basePath }: { nextCursor: string | null; basePath: string }) {
  if (!nextCursor) return null;
  const separator = basePath.includes("?") ? "&" : "?";
  return (
    <a href={`${basePath}${separator}cursor=${encodeURIComponent(nextCursor)}`} className="mt-4 inline-block font-semibold text-tango-700 underline">
      More
    </a>
  );
}
