import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Json = Record<string, unknown>;
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Json[];
  requestBody?: { content?: Json };
  responses?: Record<string, Json>;
};

/**
 * A self-contained reference page rendered on the server from the OpenAPI document:
 * no CDN, no script, so it works offline and under the strict CSP.
 */
export function renderApiDocs(doc: Json): HtmlEscapedString | Promise<HtmlEscapedString> {
  const info = (doc.info ?? {}) as { title?: string; version?: string; description?: string };
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${info.title ?? "API"} — reference</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
  header p { color: GrayText; }
  nav ul { columns: 2; padding-left: 1.2rem; }
  section { border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: .75rem; padding: 1rem 1.25rem; margin: 1rem 0; }
  h2 { font-size: 1.05rem; margin: 0 0 .25rem; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
  code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
  .method { text-transform: uppercase; font-weight: 700; padding: .1rem .45rem; border-radius: .35rem; background: #1d4ed8; color: #fff; }
  .method.post { background: #15803d; } .method.delete { background: #b91c1c; } .method.patch, .method.put { background: #a16207; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-top: 1px solid color-mix(in srgb, CanvasText 12%, transparent); vertical-align: top; }
  pre { overflow-x: auto; background: color-mix(in srgb, CanvasText 6%, transparent); padding: .75rem; border-radius: .5rem; }
  details summary { cursor: pointer; }
  caption { text-align: left; font-weight: 600; padding: .5rem 0 .25rem; }
</style>
</head>
<body>
<header>
  <h1>${info.title ?? "API"} <small>v${info.version ?? ""}</small></h1>
  <p>${info.description ?? ""}</p>
  <p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${String(doc.openapi ?? "")}). Errors are RFC 9457 <code>application/problem+json</code>.</p>
</header>
<nav aria-label="Operations"><ul>
${operations.map(({ path, method, op }) => html`<li><a href="#${anchor(method, path)}"><code>${method.toUpperCase()} ${path}</code></a> ${op.summary ?? ""}</li>`)}
</ul></nav>
<main>
${operations.map(({ path, method, op }) => renderOperation(path, method, op))}
</main>
<details><summary>Schemas</summary><pre>${JSON.stringify((doc.components as Json | undefined)?.schemas ?? {}, null, 2)}</pre></details>
</body>
</html>`;
}

function renderOperation(path: string, method: string, op: Operation) {
  const params = op.parameters ?? [];
  return html`<section id="${anchor(method, path)}">
  <h2><span class="method ${method}">${method}</span><code>${path}</code> <span>${op.summary ?? ""}</span></h2>
  ${op.description ? html`<p>${op.description}</p>` : ""}
  ${
    params.length
      ? html`<table><caption>Parameters</caption><thead><tr><th>Parameter</th><th>In</th><th>Schema</th><th>Description</th></tr></thead><tbody>
      ${params.map(
        (p) => html`<tr><td><code>${String(p.name)}</code>${p.required ? raw(" <strong>required</strong>") : ""}</td><td>${String(p.in)}</td><td><code>${JSON.stringify(p.schema ?? {})}</code></td><td>${String((p.schema as Json | undefined)?.description ?? p.description ?? "")}</td></tr>`,
      )}
      </tbody></table>`
      : ""
  }
  ${
    op.requestBody
      ? html`<details><summary>Request body: ${Object.keys(op.requestBody.content ?? {}).join(", ")}</summary><pre>${JSON.stringify(op.requestBody.content ?? {}, null, 2)}</pre></details>`
      : ""
  }
  <table><thead><tr><th>Status</th><th>Response</th></tr></thead><tbody>
  ${Object.entries(op.responses ?? {}).map(
    ([status, response]) => html`<tr><td><code>${status}</code></td><td>${String(response.description ?? "")}
      <details><summary>Schema</summary><pre>${JSON.stringify(response.content ?? {}, null, 2)}</pre></details></td></tr>`,
  )}
  </tbody></table>
</section>`;
}

function anchor(method: string, path: string): string {
  return `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-");
}
