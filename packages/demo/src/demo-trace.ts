import type { traceInputSchema } from '@pulse/shared';
import type { z } from 'zod';

type WireTrace = z.input<typeof traceInputSchema>;
type AlwaysSent = 'trace_id' | 'timestamp' | 'agent_id' | 'user_id' | 'model' | 'status' | 'latency_ms' | 'input_tokens' | 'output_tokens' | 'tags';

/**
 * A demo trace is a trace of the ingest wire format that always carries these fields and
 * never a `cost_usd`: the server prices it from its catalog.
 */
export type DemoTrace = Required<Pick<WireTrace, AlwaysSent>> & Pick<WireTrace, 'error_type' | 'error_message' | 'metadata' | 'session_id' | 'input' | 'output'>;
