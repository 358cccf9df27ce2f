import type { IncomingMessage, Server } from 'node:http';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import type { Request, Response } from 'express';
import { WebSocketServer } from 'ws';
import { appRouter } from '../routers/app-router.js';
import type { AppServices, Context } from '../trpc/context.js';

/** The path of tRPC over WebSocket: the same as over HTTP. */
const SOCKET_PATH = '/trpc';
/** Clients only send subscription requests: small messages. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface LiveSockets {
  /** Asks clients to reconnect (to another replica), then closes every socket. */
  close(): Promise<void>;
}

/**
 * A procedure's context for a WebSocket connection. Browsers cannot set headers on a
 * WebSocket, so the key and the workspace come as tRPC connection params (`authorization`,
 * `workspaceId`) and are read as the same headers every procedure checks: authentication,
 * the 400/401/403 order and workspace isolation are those of HTTP. There is no HTTP response
 * to shape, so the response is an inert stand-in.
 */
function socketContext(services: AppServices, req: IncomingMessage, params: Record<string, string | undefined> | null): Context {
  const headers: IncomingMessage['headers'] = { ...req.headers };
  if (params?.authorization) headers.authorization = params.authorization;
  if (params?.workspaceId) headers['x-workspace-id'] = params.workspaceId;
  const request = Object.assign(Object.create(req) as IncomingMessage, { headers }) as Request;
  const response = { locals: {}, setHeader: () => response } as unknown as Response;
  return { ...services, req: request, res: response, cacheBypass: false, queryParamIssues: [] };
}

/** Serves tRPC subscriptions over WebSocket on `server` at /trpc (docs/API_SPEC.md §6). */
export function attachLiveSockets(server: Server, services: AppServices): LiveSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req, info }) => socketContext(services, req, info.connectionParams),
    // Dead peers (a laptop closed) are found and dropped instead of holding a subscription.
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== SOCKET_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  return {
    async close() {
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
