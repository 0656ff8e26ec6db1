import type { socialNetworks } from "../../worker/schemas/social-networks";

export const SOCIAL_NETWORK_LABELS: Record<(typeof socialNetworks)[number], string> = {
  instagram: "Instagram",
  facebook: "Facebook",
  youtube: "YouTube",
  tiktok: "TikTok",
  x: "X",
  mastodon: "Mastodon",
};

/**
 * A member-written address as a link target, or undefined. The API only stores https://, but
 * the page must not trust the row it reads: a `javascript:` or `data:` URL never becomes a link.
 */
export function externalHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
