import { problemSchema } from "../schemas/common";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** Error responses shared by every operation in the OpenAPI document. */
export const problemResponses = {
  400: problem("Invalid input; `errors` names each field."),
  500: problem("Unexpected failure; quote `requestId` to support."),
} as const;
