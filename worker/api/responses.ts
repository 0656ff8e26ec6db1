import { problemSchema } from "../schemas/common";

export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** Error responses shared by every operation in the OpenAPI document. */
export const problemResponses = {
  400: problem("Invalid input; `errors` names each field."),
  500: problem("Unexpected failure; quote `requestId` to support."),
} as const;

/** For operations that take a body. */
export const bodyTooLargeResponse = { 413: problem("The body is larger than the 1 MiB limit.") } as const;
