/**
 * /messages: on a phone the inbox (in the layout) is the whole page and this pane is hidden;
 * on a wide screen this is the empty right-hand pane, saying what to do.
 */
export default function MessagesIndex() {
  return (
    <section aria-label="No conversation open" className="grid h-full min-h-[26rem] place-items-center rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center">
      <div className="max-w-sm">
        <p aria-hidden="true" className="font-display text-5xl text-tango-500/30">
          ✉
        </p>
        <h2 className="mt-2 font-display text-xl font-semibold text-ink">Choose a conversation</h2>
        <p className="mt-2 text-sm text-stone-600">
          Pick one on the left, or message someone from their profile. Groups are for agreeing on a ride or a tanda; every festival has a chat for the dancers who are going.
        </p>
      </div>
    </section>
  );
}
