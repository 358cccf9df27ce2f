import { bearerToken, hashKey } from '../auth/keys.js';
import type { Context } from './context.js';

/**
 * Runs `task` in one of its API key's DB_CONCURRENCY_PER_KEY turns (docs/API_SPEC.md §5),
 * waiting in arrival order behind the key's other calls; a request without a key runs at once
 * (it is refused before it reads anything). `task` learns whether it waited for its turn.
 */
export function inKeyTurn<T>(ctx: Pick<Context, 'req' | 'keyGate'>, task: (waited: boolean) => Promise<T>): Promise<T> {
  const key = bearerToken(ctx.req.headers.authorization);
  return key === undefined ? task(false) : ctx.keyGate.run(hashKey(key), task);
}
