import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * The channels every replica publishes on and listens to: a workspace's new data (for open
 * dashboards) and a change to its keys (for the caches of authenticated keys).
 */
const CHANNELS = { data: 'pulse:live', keys: 'pulse:keys' } as const;
type Topic = keyof typeof CHANNELS;

/**
 * The subscriber connection is pinged this often, and counts as deaf once it has answered nothing
 * for SILENT_AFTER_MS: a connection that dies without closing (a lost network path) is noticed
 * well within the second a revocation may take (docs/API_SPEC.md §1).
 */
const HEARTBEAT_MS = 250;
const SILENT_AFTER_MS = 750;

/**
 * "Workspace W has new data": what open dashboards wait for (docs/API_SPEC.md §6). Every
 * committed write publishes it; each replica hands it to the subscriptions of its own
 * sockets. In-process without Redis; with Redis, through its pub/sub, so a call ingested by
 * one replica reaches dashboards connected to any other. "The keys of workspace W changed"
 * travels the same way, to every replica's cache of authenticated keys.
 */
export interface LiveBus {
  publish(workspaceId: string): void;
  /** Calls `listener` on each change of the workspace until the returned function is called. */
  subscribe(workspaceId: string, listener: () => void): () => void;
  /** A key of the workspace was revoked or changed: heard by this replica at once, by the others through Redis. */
  publishKeyChange(workspaceId: string): void;
  /**
   * Calls `listener` with the workspace of each key change, whichever replica made it; with
   * undefined when changes may have been missed (the subscriber connection is back after a loss).
   */
  onKeyChange(listener: (workspaceId: string | undefined) => void): void;
  /** Whether other replicas' messages reach this one now; always true without Redis (one process). */
  hearsOthers(): boolean;
  close(): Promise<void>;
}

export function createLiveBus(redisUrl: string | undefined, logger: Logger): LiveBus {
  const data = new EventEmitter();
  // One listener per open dashboard: hundreds per instance are expected, not a leak.
  data.setMaxListeners(0);
  const keys = new EventEmitter();
  const deliver = (topic: Topic, workspaceId: string | undefined) => (topic === 'data' ? data.emit(workspaceId!) : keys.emit('change', workspaceId));
  const listeners = {
    subscribe(workspaceId: string, listener: () => void) {
      data.on(workspaceId, listener);
      return () => void data.off(workspaceId, listener);
    },
    onKeyChange(listener: (workspaceId: string | undefined) => void) {
      keys.on('change', listener);
    },
  };
  if (!redisUrl) {
    return {
      ...listeners,
      publish: (workspaceId) => void deliver('data', workspaceId),
      publishKeyChange: (workspaceId) => void deliver('keys', workspaceId),
      hearsOthers: () => true,
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

  // When the subscriber last answered (a subscription or a ping), and whether it has subscribed
  // since it last connected. Messages sent while it was away are lost: once it is back, key
  // caches are told to forget everything.
  let heardAt = 0;
  let subscribed = false;
  let connectedBefore = false;
  subscriber.on('ready', () => {
    warned = false;
    subscriber.subscribe(...Object.values(CHANNELS)).then(() => {
      heardAt = Date.now();
      subscribed = true;
      if (connectedBefore) deliver('keys', undefined);
      connectedBefore = true;
    }, warnOnce);
  });
  subscriber.on('close', () => {
    subscribed = false;
  });
  const heartbeat = setInterval(() => {
    if (subscriber.status === 'ready') subscriber.ping().then(() => (heardAt = Date.now()), warnOnce);
  }, HEARTBEAT_MS).unref();
  subscriber.on('message', (channel: string, message: string) => {
    heardAt = Date.now();
    const topic = channel === CHANNELS.keys ? 'keys' : 'data';
    const [from, workspaceId] = message.split(' ');
    if (from !== origin && workspaceId) deliver(topic, workspaceId);
  });

  // Key changes this replica could not publish go out once the publisher is back: until then
  // the other replicas hear nothing from it but may still hold the keys.
  const unsentKeyChanges = new Set<string>();
  const send = (topic: Topic, workspaceId: string) =>
    publisher.publish(CHANNELS[topic], `${origin} ${workspaceId}`).catch((err: Error) => {
      if (topic === 'keys') unsentKeyChanges.add(workspaceId);
      warnOnce(err);
    });
  publisher.on('ready', () => {
    for (const workspaceId of unsentKeyChanges) void send('keys', workspaceId);
    unsentKeyChanges.clear();
  });

  return {
    ...listeners,
    publish(workspaceId) {
      deliver('data', workspaceId);
      void send('data', workspaceId);
    },
    publishKeyChange(workspaceId) {
      deliver('keys', workspaceId);
      void send('keys', workspaceId);
    },
    hearsOthers: () => subscribed && Date.now() - heardAt < SILENT_AFTER_MS,
    async close() {
      clearInterval(heartbeat);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
