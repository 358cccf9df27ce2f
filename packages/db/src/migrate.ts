/**
 * `npm run db:migrate`: applies the committed migrations to DATABASE_URL and exits — the
 * Kubernetes migration Job (deploy/k8s). With `--wait` it applies nothing and waits until the
 * database has every migration of this build: the init container that holds a new pod back
 * until the Job has finished, so no replica of a new version serves an old schema.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { migrationsFolder, openDatabase } from './client.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write('DATABASE_URL must name the PostgreSQL database to migrate\n');
  process.exit(1);
}

async function appliedCount(url: string): Promise<number> {
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [table] = await client`select to_regclass('drizzle.__drizzle_migrations') is not null as present`;
    if (!table?.present) return 0;
    const [row] = await client`select count(*)::int as n from drizzle.__drizzle_migrations`;
    return Number(row?.n ?? 0);
  } finally {
    await client.end({ timeout: 5 });
  }
}

if (process.argv.includes('--wait')) {
  const needed = readMigrationFiles({ migrationsFolder }).length;
  for (;;) {
    const applied = await appliedCount(databaseUrl).catch(() => 0);
    if (applied >= needed) break;
    process.stdout.write(`waiting for migrations: ${applied} of ${needed} applied\n`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  process.stdout.write('database schema is current\n');
} else {
  const database = await openDatabase({ databaseUrl });
  await database.close();
  process.stdout.write(`migrations applied (${readMigrationFiles({ migrationsFolder }).length})\n`);
}
