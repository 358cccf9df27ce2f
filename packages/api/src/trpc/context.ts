import type { Database } from '@pulse/db';
import type { FieldIssue } from '@pulse/shared';
import type { Request, Response } from 'express';
import type { DeliveryOptions } from '../alerts/deliveries.js';
import type { FailureThrottle } from '../auth/failure-throttle.js';
import type { KeyStore } from '../auth/key-store.js';
import type { Cache } from '../cache/cache.js';
import type { KeyedSemaphore } from '../concurrency/keyed-semaphore.js';
import type { Config } from '../config.js';
import type { LiveBus } from '../live/live-bus.js';
import type { Logger } from '../logger.js';

/** Everything a procedure may use; built once per app, plus the request. */
export interface AppServices {
  database: Database;
  cache: Cache;
  config: Config;
  logger: Logger;
  keys: KeyStore;
  /** Bounds the procedure calls one API key runs at once (by the key's hash). */
  keyGate: KeyedSemaphore;
  /** Failed admin authentications per client address. */
  adminThrottle: FailureThrottle;
  /** Where committed writes are announced to open dashboards. */
  live: LiveBus;
  /** How webhooks are checked, signed and sent (alert rules, test deliveries, the alert worker). */
  alertDelivery: DeliveryOptions;
  /** Called after every committed write to a workspace (ingest, budget): new cache version, live event. */
  onWorkspaceWrite(workspaceId: string): Promise<void>;
}

export interface Context extends AppServices {
  req: Request;
  res: Response;
  /** The request asked to skip the cache with the configured bypass token (benchmarks' uncached runs). */
  cacheBypass: boolean;
  /** REST query parameters the adapter would drop silently (`agent_id=`): a 400 naming them. Empty over tRPC. */
  queryParamIssues: readonly FieldIssue[];
}

/** A success status other than 200 for the REST response (tRPC answers 200 regardless). */
export function setStatus(ctx: Context, status: 201 | 204 | 207): void {
  ctx.res.locals.pulseStatus = status;
}

export function statusOf(ctx: Context | undefined): number | undefined {
  return ctx?.res.locals.pulseStatus as number | undefined;
}
