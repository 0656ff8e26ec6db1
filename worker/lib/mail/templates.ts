import { html, raw } from "hono/html";
import type { MailLanguage } from "../../../db/schema/users";

export interface Mail {
  subject: string;
  text: string;
  html: string;
}

export type MailTemplate =
  | { name: "verify-email"; displayName: string; link: string }
  | { name: "reset-password"; displayName: string; link: string };

type Copy = { subject: string; greeting: (name: string) => string; body: string; action: string; ignore: string };

const COPY: Record<MailTemplate["name"], Record<MailLanguage, Copy>> = {
  "verify-email": {
    en: {
      subject: "Confirm your email for Mundo Tango",
      greeting: (name) => `Hi ${name},`,
      body: "Welcome to Mundo Tango! Confirm your email address so you can post, host events and list a place to stay.",
      action: "Confirm my email",
      ignore: "If you did not sign up, ignore this mail; the link expires in 24 hours.",
    },
    es: {
      subject: "Confirmá tu email en Mundo Tango",
      greeting: (name) => `Hola ${name}:`,
      body: "¡Bienvenida/o a Mundo Tango! Confirmá tu dirección de email para publicar, organizar eventos y ofrecer alojamiento.",
      action: "Confirmar mi email",
      ignore: "Si no te registraste, ignorá este mensaje; el enlace vence en 24 horas.",
    },
  },
  "reset-password": {
    en: {
      subject: "Reset your Mundo Tango password",
      greeting: (name) => `Hi ${name},`,
      body: "Someone asked to reset the password of your Mundo Tango account. Choose a new password with the link below.",
      action: "Choose a new password",
      ignore: "If it was not you, ignore this mail: your password stays as it is. The link expires in 1 hour.",
    },
    es: {
      subject: "Restablecé tu contraseña de Mundo Tango",
      greeting: (name) => `Hola ${name}:`,
      body: "Alguien pidió restablecer la contraseña de tu cuenta de Mundo Tango. Elegí una nueva con el enlace de abajo.",
      action: "Elegir una contraseña nueva",
      ignore: "Si no fuiste vos, ignorá este mensaje: tu contraseña no cambia. El enlace vence en 1 hora.",
    },
  },
};

/** Renders a mail in the member's language; every interpolated value is escaped. */
export function renderMail(template: MailTemplate, language: MailLanguage): Mail {
  const copy = COPY[template.name][language];
  const text = [copy.greeting(template.displayName), "", copy.body, "", `${copy.action}: ${template.link}`, "", copy.ignore, "", "— Mundo Tango"].join("\n");
  const body = html`<!doctype html>
<html lang="${language}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1c1917;max-width:36rem;margin:auto;padding:1rem">
<p>${copy.greeting(template.displayName)}</p>
<p>${copy.body}</p>
<p><a href="${template.link}" style="display:inline-block;background:#a3153b;color:#fff;padding:.6rem 1.2rem;border-radius:999px;text-decoration:none;font-weight:600">${copy.action}</a></p>
<p style="font-size:.9rem;color:#57534e">${copy.ignore}</p>
<p style="font-size:.9rem;color:#57534e">${raw("&mdash;")} Mundo Tango</p>
</body></html>`;
  return { subject: copy.subject, text, html: String(body) };
}
