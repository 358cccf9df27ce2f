import { ConfigError, type Config, loadConfig } from './config.js';
import { limitHeapGrowth } from './heap-growth.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

function configOrExit(): Config {
  try {
    // `npm start` passes --demo-by-default: DEMO=1 unless the environment says otherwise.
    return loadConfig(process.env, { demoByDefault: process.argv.includes('--demo-by-default') });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Before any logger exists (LOG_LEVEL itself may be the bad variable): plain stderr.
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
// A process-wide setting, so here and not in startServer (tests start servers inside their own process).
limitHeapGrowth(config.heapGrowthPercent);
const logger = createLogger(config.logLevel);
// The banner is for the person at the terminal, not the log stream.
const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const running = await startServer(config, logger, print);
  const stop = (signal: string) => {
    logger.info({ signal }, 'signal received');
    running.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
}
