import type { Request } from 'express';
import type { Config } from '../config.js';

/** True when the request carries X-Pulse-Cache-Bypass equal to the configured token (never when none is configured). */
export function asksCacheBypass(req: Request, config: Pick<Config, 'cacheBypassToken'>): boolean {
  return config.cacheBypassToken !== undefined && req.headers['x-pulse-cache-bypass'] === config.cacheBypassToken;
}
