/**
 * The trace as POST /api/v1/traces takes it (docs/API_SPEC.md §2), inferred from the server's own
 * schema. Type-only: nothing of @pulse/shared or zod reaches the built package, whose build
 * (scripts/build.mjs) writes this type out in full.
 */
import type { TraceInput } from '@pulse/shared';

export type WireTrace = TraceInput;
