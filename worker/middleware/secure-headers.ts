import { NONCE, secureHeaders } from "hono/secure-headers";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

function headersWith(connectSrc: string[]) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      fontSrc: ["'self'"],
      connectSrc,
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      reportTo: "csp-endpoint",
    },
    reportingEndpoints: [{ name: "csp-endpoint", url: "/api/v1/reports" }],
    strictTransportSecurity: "max-age=63072000; includeSubDomains; preload",
    referrerPolicy: "strict-origin-when-cross-origin",
    xFrameOptions: "DENY",
    crossOriginEmbedderPolicy: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: ["self"], payment: ["self"], usb: [] },
  });
}

const deployed = headersWith(["'self'"]);
// Vite's dev server talks to the page over a WebSocket for hot reload.
const viteDev = headersWith(["'self'", "ws://localhost:*", "ws://127.0.0.1:*"]);

/** CSP with a per-request script nonce (no 'unsafe-inline' scripts), HSTS and friends. */
export const secureHeadersMiddleware = createMiddleware<AppEnv>((c, next) =>
  (import.meta.env?.DEV ? viteDev : deployed)(c, next),
);
