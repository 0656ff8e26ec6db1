import { z } from "zod";

export const mediaSchema = z
  .object({
    id: z.string().meta({ description: "Media id, to pass in `mediaIds` of a post or `mediaId` of a story." }),
    url: z.string().meta({ description: "Where the picture is served; unguessable, anyone holding it can see the picture.", example: "/api/v1/media/0193a0f2-3c4d-7e5f-8a9b-0c1d2e3f4a5b" }),
    width: z.number().int().meta({ example: 1600 }),
    height: z.number().int().meta({ example: 1200 }),
  })
  .meta({ id: "Media", description: "An uploaded picture (JPEG, PNG, WebP or GIF), metadata removed." });

export const mediaIdParam = z.object({ id: z.string().min(1).max(64).meta({ description: "Media id." }) });

export const mediaUploadBody = z
  .object({ file: z.any().meta({ type: "string", format: "binary", description: "The picture: JPEG, PNG, WebP or GIF, at most 10 MB." }) })
  .meta({ id: "MediaUpload" });
