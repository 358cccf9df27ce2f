import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** The channel every replica publishes a workspace's changes on and listens to. */
const CHANNEL = 'pulse:live';

/**
 * "Workspace W has new data": what open dashboards wait for (docs/API_SPEC.md §6). Every
 * committed write publishes it; each replica hands it to the subscriptions of its own
 * sockets. In-process without Redis; with Redis, through its pub/sub, so a call ingested by
 * one replica reaches dashboards connected to any other.
 */
export interface LiveBus {
  publish(workspaceId: string): void;
  /** Calls `listener` on each change of the workspace until the returned function is called. */
  subscribe(workspaceId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

export function createLiveBus(redisUrl: string | undefined, logger: Logger): LiveBus {
  const local = new EventEmitter();
  // One listener per open dashboard: hundreds per instance are expected, not a leak.
  local.setMaxListeners(0);
  if (!redisUrl) {
    return {
      publish: (workspaceId) => void local.emit(workspaceId),
      subscribe(workspaceId, listener) {
        local.on(workspaceId, listener);
        return () => void local.off(workspaceId, listener);
      },
      close: async () => undefined,
    };
  }
  // This replica's own messages come back from Redis: they are told apart by origin and
  // delivered locally at once instead, so a Redis outage never delays this replica's sockets.
  const origin = randomBytes(8).toString('hex');
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: (n: number) => Math.min(n * 200, 2000) };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, { ...options, enableOfflineQueue: true });
  let warned = false;
  const warnOnce = (err: Error) => {
    if (!warned) logger.warn({ err: err.message }, 'live updates: redis unavailable; other replicas miss this one’s changes until it is back');
    warned = true;
  };
  publisher.on('error', warnOnce);
  subscriber.on('error', warnOnce);
  subscriber.on('ready', () => {
    warned = false;
  });
  void subscriber.subscribe(CHANNEL).catch(warnOnce);
  subscriber.on('message', (_channel: string, message: string) => {
    const [from, workspaceId] = message.split(' ');
    if (from !== origin && workspaceId) local.emit(workspaceId);
  });
  return {
    publish(workspaceId) {
      local.emit(workspaceId);
      publisher.publish(CHANNEL, `${origin} ${workspaceId}`).catch(warnOnce);
    },
    subscribe(workspaceId, listener) {
      local.on(workspaceId, listener);
      return () => void local.off(workspaceId, listener);
    },
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
