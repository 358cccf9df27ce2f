import { z } from 'zod';

/** One offending field: `traces.3.latency_ms` style path (the whole input is `input`), and what is wrong. */
const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/**
 * Every error body on the wire, REST and tRPC alike (docs/API_SPEC.md §1): a validation
 * error names each offending field in `issues`; `stack` appears only with NODE_ENV=development.
 */
export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(fieldIssueSchema).min(1).optional(),
  stack: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
