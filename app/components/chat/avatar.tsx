/** A member's picture or initial, with an optional presence dot ("online" is said in words too). */
export function ChatAvatar({
  name,
  avatarUrl,
  online,
  size = "md",
  group = false,
}: {
  name: string;
  avatarUrl: string | null;
  online?: boolean;
  size?: "sm" | "md";
  group?: boolean;
}) {
  const box = size === "sm" ? "h-8 w-8 text-sm" : "h-11 w-11 text-lg";
  return (
    <span className={`relative inline-block shrink-0 ${box}`}>
      {avatarUrl ? (
        <img src={avatarUrl} alt="" className={`${box} rounded-full object-cover`} />
      ) : (
        <span aria-hidden="true" className={`grid ${box} place-items-center rounded-full font-display font-bold ${group ? "bg-stone-200 text-stone-700" : "bg-tango-100 text-tango-700"}`}>
          {group ? "#" : ([...name][0]?.toUpperCase() ?? "?")}
        </span>
      )}
      {online !== undefined && <PresenceDot online={online} />}
    </span>
  );
}

export function PresenceDot({ online }: { online: boolean }) {
  if (!online) return null;
  return (
    <span data-testid="presence-online" className="absolute -bottom-0.5 -right-0.5 block h-3.5 w-3.5 rounded-full border-2 border-white bg-emerald-500" title="Online">
      <span className="sr-only">(online)</span>
    </span>
  );
}
