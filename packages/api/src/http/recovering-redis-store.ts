import { RedisStore } from 'rate-limit-redis';

/**
 * After a failed SCRIPT LOAD (Redis down when the limiter started, or during an outage)
 * rate-limit-redis's store would keep the rejected promise forever and never count again;
 * this one loads the script anew before the first increment after a failure.
 */
export class RecoveringRedisStore extends RedisStore {
  private reloadScript = false;

  override async init(options: Parameters<RedisStore['init']>[0]) {
    try {
      await super.init(options);
    } catch (err) {
      this.reloadScript = true;
      throw err;
    }
  }

  override async increment(key: string) {
    if (this.reloadScript) {
      this.reloadScript = false;
      this.incrementScriptSha = this.loadIncrementScript();
    }
    try {
      return await super.increment(key);
    } catch (err) {
      this.reloadScript = true;
      throw err;
    }
  }
}
