/** Networks a profile can link to; kept apart from the auth schemas so pages can list them without shipping zod schemas and the password policy. */
export const socialNetworks = ["instagram", "facebook", "youtube", "tiktok", "x", "mastodon"] as const;
export type SocialNetwork = (typeof socialNetworks)[number];
