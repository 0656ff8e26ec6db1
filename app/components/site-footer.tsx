export function SiteFooter() {
  return (
    <footer className="mt-12 border-t border-stone-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-stone-600 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <p>
          <span className="font-display font-semibold text-tango-700">Mundo Tango</span> — the home of the worldwide tango
          community.
        </p>
        <nav aria-label="Footer">
          <ul className="flex flex-wrap gap-4">
            <li>
              <a className="hover:text-tango-700" href="/events">
                All events
              </a>
            </li>
            <li>
              <a className="hover:text-tango-700" href="/api/docs">
                API
              </a>
            </li>
            <li>
              <a className="hover:text-tango-700" href="/api/health">
                Status
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </footer>
  );
}
