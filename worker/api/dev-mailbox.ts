import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../env";
import { listDevMail } from "../services/dev-mailbox";
import { renderPage } from "../ssr";

/** Local development only: what the app "sent". Elsewhere these paths are ordinary 404 pages. */
export const devMailbox = new Hono<AppEnv>()
  .use(async (c, next) => (c.env.APP_ENV === "development" ? next() : renderPage(c)))
  .get("/mailbox.json", async (c) => {
    const to = c.req.query("to");
    return c.json(await listDevMail(c.var.ctx, to && to.length <= 254 ? to : undefined));
  })
  .get("/mailbox", async (c) => {
    const mails = await listDevMail(c.var.ctx);
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev mailbox — Mundo Tango</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:auto;padding:1.5rem;line-height:1.5}article{border:1px solid #ddd;border-radius:.75rem;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap;background:#f5f5f4;padding:.75rem;border-radius:.5rem}.meta{color:#57534e;font-size:.9rem}</style>
</head><body>
<h1>Dev mailbox</h1>
<p class="meta">Every mail the app sends in local development lands here, newest first. JSON: <a href="/dev/mailbox.json">/dev/mailbox.json?to=&lt;email&gt;</a></p>
${mails.length === 0 ? html`<p>No mail yet. Sign up to get a verification mail.</p>` : ""}
${mails.map(
  (m) => html`<article><h2>${m.subject}</h2><p class="meta">To ${m.to} · <time datetime="${m.sentAt}">${m.sentAt}</time></p>
<pre>${m.text}</pre>
${[...m.text.matchAll(/https?:\/\/\S+/g)].map((link) => html`<p><a href="${link[0]}">${link[0]}</a></p>`)}</article>`,
)}
</body></html>`);
  });
