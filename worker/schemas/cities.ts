import { z } from "zod";

export const citySchema = z
  .object({
    slug: z.string().meta({ example: "buenos-aires" }),
    name: z.string().meta({ example: "Buenos Aires" }),
    country: z.string().meta({ example: "Argentina" }),
    countryCode: z.string().meta({ example: "AR" }),
    continent: z.string().meta({ example: "South America" }),
    timeZone: z.string().meta({ example: "America/Argentina/Buenos_Aires" }),
  })
  .meta({ id: "City" });

export type CityDto = z.infer<typeof citySchema>;

export const cityListSchema = z.object({ data: z.array(citySchema) }).meta({ id: "CityList" });
