import { z } from "zod";
import { cursorParam, limitParam, paginated } from "./common";

/** A member as lists of people show them (followers, following, blocks, mutes). */
export const memberSummarySchema = z
  .object({
    handle: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    /** When the relation began: followed, blocked or muted. */
    since: z.string(),
  })
  .meta({ id: "MemberSummary" });
export type MemberSummary = z.infer<typeof memberSummarySchema>;

export const memberSummaryPageSchema = paginated(memberSummarySchema, "MemberSummaryPage");
export type MemberSummaryPage = z.infer<typeof memberSummaryPageSchema>;

export const pageQuery = z.object({ cursor: cursorParam, limit: limitParam });
export type PageQuery = z.infer<typeof pageQuery>;

/** How the signed-in viewer stands with a member. */
export const relationshipSchema = z
  .object({
    following: z.boolean().meta({ description: "The viewer follows this member." }),
    followedBy: z.boolean().meta({ description: "This member follows the viewer." }),
    blocking: z.boolean().meta({ description: "The viewer blocked this member." }),
    muting: z.boolean().meta({ description: "The viewer muted this member." }),
  })
  .meta({ id: "Relationship" });
export type Relationship = z.infer<typeof relationshipSchema>;

export const followStateSchema = z
  .object({ following: z.boolean(), followerCount: z.number().int() })
  .meta({ id: "FollowState", description: "Whether the viewer follows the member now, and the member's follower count." });
export type FollowState = z.infer<typeof followStateSchema>;

export const blockStateSchema = z.object({ blocking: z.boolean() }).meta({ id: "BlockState" });
export const muteStateSchema = z.object({ muting: z.boolean() }).meta({ id: "MuteState" });
