import { describe, expect, it } from "vitest";
import { renderMail } from "../../worker/lib/mail/templates";

const link = "https://mundotango.life/verify-email?token=abc";

describe("mail templates", () => {
  it("writes the verification mail in English and Spanish", () => {
    const en = renderMail({ name: "verify-email", displayName: "Ana", link }, "en");
    const es = renderMail({ name: "verify-email", displayName: "Ana", link }, "es");
    expect(en.subject).toMatch(/Confirm your email/);
    expect(es.subject).toMatch(/Confirmá tu email/);
    for (const mail of [en, es]) {
      expect(mail.text).toContain(link);
      expect(mail.html).toContain(`href="${link}"`);
    }
  });

  it("escapes the member's name in the HTML part", () => {
    const mail = renderMail({ name: "reset-password", displayName: `<img src=x onerror=alert(1)>`, link }, "en");
    expect(mail.html).not.toContain("<img src=x");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
