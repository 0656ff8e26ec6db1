import { z } from "zod";
import { mediaSchema } from "./media";

export const STORY_TEXT_MAX = 280;

export const storyAuthorSchema = z
  .object({ handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() })
  .meta({ id: "StoryAuthor" });

export const storySchema = z
  .object({
    id: z.string(),
    author: storyAuthorSchema,
    text: z.string().nullable(),
    media: mediaSchema.nullable(),
    createdAt: z.string().meta({ example: "2026-11-23T23:40:00.000Z" }),
    expiresAt: z.string().meta({ description: "24 hours after `createdAt`; then the story and its picture are deleted." }),
  })
  .meta({ id: "Story" });

export const storyGroupSchema = z
  .object({ author: storyAuthorSchema, stories: z.array(storySchema).meta({ description: "Oldest first, the order to show them in." }) })
  .meta({ id: "StoryGroup" });

export const storyGroupPageSchema = z
  .object({ data: z.array(storyGroupSchema), nextCursor: z.string().nullable() })
  .meta({ id: "StoryGroupPage", description: "Members with unexpired stories, the most recent poster first; pass `nextCursor` back as `cursor` for more." });

export const storyListSchema = z.object({ data: z.array(storySchema) }).meta({ id: "StoryList" });

export const createStoryInput = z
  .object({
    text: z
      .string({ error: "text must be a string" })
      .max(STORY_TEXT_MAX * 4, `text must be at most ${STORY_TEXT_MAX} characters`)
      .optional()
      .meta({ description: `At most ${STORY_TEXT_MAX} characters.` }),
    mediaId: z
      .string({ error: "mediaId must be an id returned by POST /api/v1/media" })
      .max(64, "mediaId must be an id returned by POST /api/v1/media")
      .optional()
      .meta({ description: "An upload of yours (POST /api/v1/media) not attached to anything yet." }),
  })
  .meta({ id: "CreateStoryInput", description: "A picture, a short text, or both." });

export type CreateStoryInput = z.infer<typeof createStoryInput>;
export type StoryDto = z.infer<typeof storySchema>;
export type StoryGroup = z.infer<typeof storyGroupSchema>;
export type StoryAuthor = z.infer<typeof storyAuthorSchema>;
