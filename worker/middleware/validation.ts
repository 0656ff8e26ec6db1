import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { Invalid } from "../errors";
import { fieldErrors } from "../lib/field-errors";
import type { AppEnv } from "../env";

/** zod failures on params, query or body become one 400 problem naming every field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw new Invalid(fieldErrors(result.error as z.ZodError));
};
