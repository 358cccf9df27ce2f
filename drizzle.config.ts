import { defineConfig } from 'drizzle-kit';

// Migrations are generated from packages/db/src/schema.ts and applied at start-up on both drivers.
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/db/src/schema.ts',
  out: './packages/db/migrations',
});
