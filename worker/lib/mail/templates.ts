import { html, raw } from "hono/html";
import type { NotificationType } from "../../../db/schema/notifications";
import type { MailLanguage } from "../../../db/schema/users";

export interface Mail {
  subject: string;
  text: string;
  html: string;
}

/** `when` is already formatted in the member's language and the event's time zone. */
export type MailTemplate =
  | { name: "verify-email"; displayName: string; link: string }
  | { name: "reset-password"; displayName: string; link: string }
  | { name: "event-cancelled"; displayName: string; eventTitle: string; when: string; link: string }
  | { name: "waitlist-promoted"; displayName: string; eventTitle: string; when: string; link: string }
  | { name: "organizer-message"; displayName: string; eventTitle: string; subject: string; body: string; link: string }
  | { name: "series-reconfirm"; displayName: string; eventTitle: string; link: string }
  | { name: "tickets-issued"; displayName: string; eventTitle: string; when: string; quantity: number; link: string }
  | { name: "notification"; displayName: string; item: NotificationMailItem; link: string }
  | { name: "notification-digest"; displayName: string; total: number; items: NotificationMailItem[]; link: string };

/** One notification as a mail tells it; `actorName` and `title` are member-written. */
export interface NotificationMailItem {
  kind: NotificationType;
  actorName: string | null;
  /** An event or group name, or the start of a post or comment. */
  title: string | null;
  link: string;
}

type TemplateNamed<N extends MailTemplate["name"]> = Extract<MailTemplate, { name: N }>;

/**
 * What one mail says, as plain strings: the layout escapes every one of them in the HTML
 * part, so copy can interpolate member-written values (names, titles, messages) freely.
 */
interface Content {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** Words written by someone other than Mundo Tango (an organizer), set apart from ours. */
  quote?: string;
  /** Linked lines (a digest's notifications), each escaped like the rest. */
  list?: { text: string; link: string }[];
  action: string;
  footnote: string;
}

type Writer<N extends MailTemplate["name"]> = Record<MailLanguage, (t: TemplateNamed<N>) => Content>;

const hi = (name: string) => `Hi ${name},`;
const hola = (name: string) => `Hola ${name}:`;

/** "Ana commented on your post." / "Ana comentó tu publicación." — one sentence per notification kind. */
const SENTENCES: Record<MailLanguage, (who: string, title: string | null) => Record<NotificationType, string>> = {
  en: (who, title) => ({
    follow: `${who} started following you.`,
    comment: `${who} commented on your post.`,
    reply: `${who} replied to your comment.`,
    reaction: `${who} reacted to your post.`,
    mention: `${who} mentioned you.`,
    rsvp_promotion: `A place opened up: you're going to ${title ?? "an event"}.`,
    event_change: `${title ?? "An event you registered for"} changed: check the new details.`,
    event_cancellation: `${title ?? "An event you registered for"} was cancelled.`,
    group_join_approved: `You're now a member of ${title ?? "a group"}.`,
    group_join_request: `${who} asked to join ${title ?? "your group"}.`,
    message: `${who} sent you a message.`,
    moderation_outcome: "We reviewed a report; see what we decided.",
  }),
  es: (who, title) => ({
    follow: `${who} empezó a seguirte.`,
    comment: `${who} comentó tu publicación.`,
    reply: `${who} respondió tu comentario.`,
    reaction: `${who} reaccionó a tu publicación.`,
    mention: `${who} te mencionó.`,
    rsvp_promotion: `Se liberó un lugar: vas a ${title ?? "un evento"}.`,
    event_change: `${title ?? "Un evento en el que te anotaste"} cambió: mirá los nuevos detalles.`,
    event_cancellation: `${title ?? "Un evento en el que te anotaste"} se canceló.`,
    group_join_approved: `Ya sos parte de ${title ?? "un grupo"}.`,
    group_join_request: `${who} pidió unirse a ${title ?? "tu grupo"}.`,
    message: `${who} te mandó un mensaje.`,
    moderation_outcome: "Revisamos una denuncia; mirá lo que decidimos.",
  }),
};

/** Only these kinds quote their title (the start of a post or comment) under the sentence. */
const QUOTED_KINDS = new Set<NotificationType>(["comment", "reply", "mention"]);

export function notificationSentence(item: NotificationMailItem, language: MailLanguage): string {
  const who = item.actorName ?? (language === "es" ? "Alguien" : "Someone");
  return SENTENCES[language](who, QUOTED_KINDS.has(item.kind) ? null : item.title)[item.kind];
}

/** One notification's mail: the sentence as subject and body, and the quoted words if its kind has any. */
function notificationBody(item: NotificationMailItem, language: MailLanguage): Pick<Content, "subject" | "paragraphs" | "quote"> {
  const sentence = notificationSentence(item, language);
  return { subject: sentence, paragraphs: [sentence], quote: QUOTED_KINDS.has(item.kind) && item.title ? item.title : undefined };
}

const WRITERS: { [N in MailTemplate["name"]]: Writer<N> } = {
  "verify-email": {
    en: (t) => ({
      subject: "Confirm your email for Mundo Tango",
      greeting: hi(t.displayName),
      paragraphs: ["Welcome to Mundo Tango! Confirm your email address so you can post, host events and list a place to stay."],
      action: "Confirm my email",
      footnote: "If you did not sign up, ignore this mail; the link expires in 24 hours.",
    }),
    es: (t) => ({
      subject: "Confirmá tu email en Mundo Tango",
      greeting: hola(t.displayName),
      paragraphs: ["¡Bienvenida/o a Mundo Tango! Confirmá tu dirección de email para publicar, organizar eventos y ofrecer alojamiento."],
      action: "Confirmar mi email",
      footnote: "Si no te registraste, ignorá este mensaje; el enlace vence en 24 horas.",
    }),
  },
  "reset-password": {
    en: (t) => ({
      subject: "Reset your Mundo Tango password",
      greeting: hi(t.displayName),
      paragraphs: ["Someone asked to reset the password of your Mundo Tango account. Choose a new password with the link below."],
      action: "Choose a new password",
      footnote: "If it was not you, ignore this mail: your password stays as it is. The link expires in 1 hour.",
    }),
    es: (t) => ({
      subject: "Restablecé tu contraseña de Mundo Tango",
      greeting: hola(t.displayName),
      paragraphs: ["Alguien pidió restablecer la contraseña de tu cuenta de Mundo Tango. Elegí una nueva con el enlace de abajo."],
      action: "Elegir una contraseña nueva",
      footnote: "Si no fuiste vos, ignorá este mensaje: tu contraseña no cambia. El enlace vence en 1 hora.",
    }),
  },
  "event-cancelled": {
    en: (t) => ({
      subject: `Cancelled: ${t.eventTitle}`,
      greeting: hi(t.displayName),
      paragraphs: [`The organizers cancelled ${t.eventTitle}, planned for ${t.when}.`, "We are sorry: we hope to see you on the dance floor at another event soon."],
      action: "See the event",
      footnote: "You get this mail because you registered for this event.",
    }),
    es: (t) => ({
      subject: `Cancelado: ${t.eventTitle}`,
      greeting: hola(t.displayName),
      paragraphs: [`Quienes organizan ${t.eventTitle}, previsto para el ${t.when}, lo cancelaron.`, "Lo lamentamos: esperamos verte pronto en la pista en otro evento."],
      action: "Ver el evento",
      footnote: "Recibís este mensaje porque te anotaste en este evento.",
    }),
  },
  "waitlist-promoted": {
    en: (t) => ({
      subject: `A place opened up: you're going to ${t.eventTitle} on ${t.when}`,
      greeting: hi(t.displayName),
      paragraphs: [`Good news: a place opened up, and you moved from the waitlist to the dancers going to ${t.eventTitle} on ${t.when}.`],
      action: "See the event",
      footnote: "If you can no longer come, change your answer on the event page so the next dancer in line gets the place.",
    }),
    es: (t) => ({
      subject: `Se liberó un lugar: vas a ${t.eventTitle} el ${t.when}`,
      greeting: hola(t.displayName),
      paragraphs: [`¡Buenas noticias! Se liberó un lugar y pasaste de la lista de espera a la lista de quienes van a ${t.eventTitle} el ${t.when}.`],
      action: "Ver el evento",
      footnote: "Si ya no podés ir, cambiá tu respuesta en la página del evento así el lugar pasa a la siguiente persona en la lista.",
    }),
  },
  "organizer-message": {
    en: (t) => ({
      subject: `${t.eventTitle}: ${t.subject}`,
      greeting: hi(t.displayName),
      paragraphs: [`The organizers of ${t.eventTitle} wrote to the dancers registered:`],
      quote: t.body,
      action: "See the event",
      footnote: `You get this mail because you registered for ${t.eventTitle}.`,
    }),
    es: (t) => ({
      subject: `${t.eventTitle}: ${t.subject}`,
      greeting: hola(t.displayName),
      paragraphs: [`Quienes organizan ${t.eventTitle} les escribieron a las personas anotadas:`],
      quote: t.body,
      action: "Ver el evento",
      footnote: `Recibís este mensaje porque te anotaste en ${t.eventTitle}.`,
    }),
  },
  "series-reconfirm": {
    en: (t) => ({
      subject: `Is ${t.eventTitle} still running?`,
      greeting: hi(t.displayName),
      paragraphs: [
        `You organize ${t.eventTitle}, a recurring event. Tell us it still runs so dancers keep finding it: a series nobody reconfirms leaves the listings in about a week.`,
        "Open the event and press “Still running — reconfirm”.",
      ],
      action: "Open the event",
      footnote: "If the series has ended, you can cancel it on the same page.",
    }),
    es: (t) => ({
      subject: `¿${t.eventTitle} sigue en pie?`,
      greeting: hola(t.displayName),
      paragraphs: [
        `Organizás ${t.eventTitle}, un evento que se repite. Confirmanos que sigue en pie así la gente lo sigue encontrando: si nadie lo reconfirma, sale de los listados en alrededor de una semana.`,
        "Abrí el evento y reconfirmalo con el botón de la página: es un clic.",
      ],
      action: "Abrir el evento",
      footnote: "Si la serie terminó, podés cancelarla en la misma página.",
    }),
  },
  "tickets-issued": {
    en: (t) => ({
      subject: `Your tickets for ${t.eventTitle}`,
      greeting: hi(t.displayName),
      paragraphs: [
        t.quantity === 1 ? `Thank you! Your ticket for ${t.eventTitle} on ${t.when} is ready.` : `Thank you! Your ${t.quantity} tickets for ${t.eventTitle} on ${t.when} are ready.`,
        "Show the QR code from the event page at the door.",
      ],
      action: "See my tickets",
      footnote: "Keep the codes to yourself: each one lets one dancer in, once.",
    }),
    es: (t) => ({
      subject: `Tus entradas para ${t.eventTitle}`,
      greeting: hola(t.displayName),
      paragraphs: [
        t.quantity === 1 ? `¡Gracias! Tu entrada para ${t.eventTitle} del ${t.when} ya está lista.` : `¡Gracias! Tus ${t.quantity} entradas para ${t.eventTitle} del ${t.when} ya están listas.`,
        "Mostrá el código QR de la página del evento en la puerta.",
      ],
      action: "Ver mis entradas",
      footnote: "No compartas los códigos: cada uno deja entrar a una persona, una sola vez.",
    }),
  },
  notification: {
    en: (t) => ({
      ...notificationBody(t.item, "en"),
      greeting: hi(t.displayName),
      action: "Open Mundo Tango",
      footnote: "Choose which notifications reach you by mail in Settings → Notifications.",
    }),
    es: (t) => ({
      ...notificationBody(t.item, "es"),
      greeting: hola(t.displayName),
      action: "Abrir Mundo Tango",
      footnote: "Elegí qué notificaciones te llegan por email en Ajustes → Notificaciones.",
    }),
  },
  "notification-digest": {
    en: (t) => ({
      subject: t.total === 1 ? "1 new notification on Mundo Tango" : `${t.total} new notifications on Mundo Tango`,
      greeting: hi(t.displayName),
      paragraphs: [t.total > t.items.length ? `Here is what happened since yesterday (the latest ${t.items.length} of ${t.total}):` : "Here is what happened since yesterday:"],
      list: t.items.map((item) => ({ text: notificationSentence(item, "en"), link: item.link })),
      action: "See all notifications",
      footnote: "You get this daily summary because you chose it in Settings → Notifications; turn it off there.",
    }),
    es: (t) => ({
      subject: t.total === 1 ? "1 notificación nueva en Mundo Tango" : `${t.total} notificaciones nuevas en Mundo Tango`,
      greeting: hola(t.displayName),
      paragraphs: [t.total > t.items.length ? `Esto pasó desde ayer (las últimas ${t.items.length} de ${t.total}):` : "Esto pasó desde ayer:"],
      list: t.items.map((item) => ({ text: notificationSentence(item, "es"), link: item.link })),
      action: "Ver todas las notificaciones",
      footnote: "Recibís este resumen diario porque lo elegiste en Ajustes → Notificaciones; podés desactivarlo ahí.",
    }),
  },
};

function write<N extends MailTemplate["name"]>(template: TemplateNamed<N>, language: MailLanguage): Content {
  return (WRITERS[template.name] as Writer<N>)[language](template);
}

/** Renders a mail in the member's language; every interpolated value is escaped. */
export function renderMail(template: MailTemplate, language: MailLanguage): Mail {
  const copy = write(template, language);
  const text = [
    copy.greeting,
    "",
    ...copy.paragraphs.flatMap((p) => [p, ""]),
    ...(copy.quote === undefined ? [] : [copy.quote, ""]),
    ...(copy.list === undefined ? [] : [...copy.list.map((item) => `- ${item.text} ${item.link}`), ""]),
    `${copy.action}: ${template.link}`,
    "",
    copy.footnote,
    "",
    "— Mundo Tango",
  ].join("\n");
  const body = html`<!doctype html>
<html lang="${language}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1c1917;max-width:36rem;margin:auto;padding:1rem">
<p>${copy.greeting}</p>
${copy.paragraphs.map((p) => html`<p>${p}</p>
`)}${copy.quote === undefined ? "" : html`<blockquote style="white-space:pre-line;margin:1rem 0;padding:.75rem 1rem;border-left:4px solid #a3153b;background:#f5f5f4">${copy.quote}</blockquote>
`}${copy.list === undefined ? "" : html`<ul>
${copy.list.map((item) => html`<li><a href="${item.link}">${item.text}</a></li>
`)}</ul>
`}<p><a href="${template.link}" style="display:inline-block;background:#a3153b;color:#fff;padding:.6rem 1.2rem;border-radius:999px;text-decoration:none;font-weight:600">${copy.action}</a></p>
<p style="font-size:.9rem;color:#57534e">${copy.footnote}</p>
<p style="font-size:.9rem;color:#57534e">${raw("&mdash;")} Mundo Tango</p>
</body></html>`;
  // Member-written titles may hold line breaks; a subject is one line.
  return { subject: copy.subject.replace(/\s+/g, " ").trim(), text, html: String(body) };
}
