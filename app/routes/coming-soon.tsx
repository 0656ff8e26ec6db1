import type { Route } from "./+types/coming-soon";

const SECTIONS: Record<string, { title: string; blurb: string }> = {
  housing: { title: "Housing", blurb: "Find a bed with a local host when you travel to a festival." },
};

export function loader({ request }: Route.LoaderArgs) {
  const section = new URL(request.url).pathname.replace(/^\/+|\/+$/g, "");
  return SECTIONS[section] ?? SECTIONS.housing!;
}

export function meta({ loaderData: data }: Route.MetaArgs) {
  return [{ title: `${data?.title ?? "Mundo Tango"} — Mundo Tango` }];
}

export default function ComingSoon({ loaderData }: Route.ComponentProps) {
  return (
    <section className="mx-auto max-w-xl py-16 text-center">
      <h1 className="font-display text-4xl font-bold text-tango-900">{loaderData.title}</h1>
      <p className="mt-4 text-lg text-stone-600">{loaderData.blurb}</p>
      <p className="mt-2 text-stone-500">This part of Mundo Tango is opening soon.</p>
      <a href="/events" className="mt-8 inline-block rounded-full bg-tango-600 px-6 py-3 font-semibold text-white hover:bg-tango-700">
        Find a milonga meanwhile
      </a>
    </section>
  );
}
