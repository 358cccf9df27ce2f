import type { Server } from 'node:http';
import type { ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How often open connections are looked at while draining. */
const SWEEP_MS = 100;

export interface GracefulClose {
  /**
   * Stops accepting connections, lets every request already received finish, closes each
   * connection after its last answer, and resolves true once none is left; at the deadline
   * the rest are cut and it resolves false.
   */
  close(deadlineMs: number): Promise<boolean>;
}

/**
 * Tracks an HTTP server's connections and requests so it can close without cutting off a
 * request. `http.Server.close()` is not enough: it resets connections still waiting in the
 * listen backlog, destroys every connection it thinks is idle (one accepted a moment ago
 * whose request is not parsed yet among them), and keeps waiting on keep-alive ones.
 */
export function trackConnections(server: Server): GracefulClose {
  /** Requests in progress per open connection. */
  const active = new Map<Socket, number>();
  const responses = new Set<ServerResponse>();
  let closing = false;
  let accepted = 0;

  server.on('connection', (socket: Socket) => {
    accepted++;
    active.set(socket, 0);
    socket.once('close', () => active.delete(socket));
  });
  // Before the app's own listener, so the header is set before any answer is written.
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    responses.add(res);
    // While closing, no connection is kept alive: each one ends after its answer.
    if (closing) res.shouldKeepAlive = false;
    res.once('close', () => {
      responses.delete(res);
      if (active.has(socket)) active.set(socket, Math.max(0, active.get(socket)! - 1));
    });
  });

  return {
    async close(deadlineMs) {
      closing = true;
      const deadline = Date.now() + deadlineMs;
      for (const res of responses) if (!res.headersSent) res.shouldKeepAlive = false;
      // Connections the kernel has already completed for us wait in the listen backlog, and
      // closing the listener would reset them. Node takes in about one per turn of the event
      // loop while requests keep it busy, so keep turning until a turn brings none (bounded
      // by half the deadline, in case new clients never stop coming).
      const acceptUntil = Date.now() + deadlineMs / 2;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        const before = accepted;
        await new Promise((resolve) => setImmediate(resolve)); // after this turn's poll phase
        if (accepted === before || Date.now() > acceptUntil) break;
      }
      // net.Server's close: stop listening, without http.Server's sweep of "idle" connections.
      const allClosed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));

      // A connection is closed once it has been seen without a request twice in a row, with
      // the event loop (and so its reads) running in between: a request that had already
      // arrived is parsed by then and keeps it open.
      const idleOnce = new Set<Socket>();
      while (active.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, SWEEP_MS));
        for (const [socket, requests] of active) {
          if (requests > 0) idleOnce.delete(socket);
          else if (idleOnce.has(socket)) socket.destroy();
          else idleOnce.add(socket);
        }
      }
      const drained = active.size === 0;
      for (const socket of active.keys()) socket.destroy();
      await allClosed;
      return drained;
    },
  };
}
