import type { Route } from "./+types/sitemap-xml";
import { serverContext } from "../server-context";
import { listSitemapEvents } from "../../worker/services/calendars";
import { listCities } from "../../worker/services/cities";

/** What search engines should crawl: the front doors, every city and the events still to come. */
export async function loader({ context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const origin = ctx.env.APP_ORIGIN.replace(/\/+$/, "");
  const [cities, events] = await Promise.all([listCities(ctx), listSitemapEvents(ctx)]);
  const urls = [
    url(`${origin}/`, { changefreq: "daily" }),
    url(`${origin}/events`, { changefreq: "hourly" }),
    ...cities.map((city) => url(`${origin}/cities/${encodeURIComponent(city.slug)}`, { changefreq: "daily" })),
    ...events.map((event) => url(`${origin}/events/${encodeURIComponent(event.id)}`, { lastmod: event.lastModified.slice(0, 10) })),
  ];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(xml, {
    headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
}

function url(loc: string, { lastmod, changefreq }: { lastmod?: string; changefreq?: string }): string {
  const parts = [`<loc>${escapeXml(loc)}</loc>`];
  if (lastmod) parts.push(`<lastmod>${escapeXml(lastmod)}</lastmod>`);
  if (changefreq) parts.push(`<changefreq>${changefreq}</changefreq>`);
  return `  <url>${parts.join("")}</url>`;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (char) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[char]!);
}
