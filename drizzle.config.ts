import { defineConfig } from 'drizzle-kit';

/**
 * One migration set per module (`MODULE=org npm run db:generate`), so modules evolve their
 * schema independently; `core` holds the platform and identity tables every module references.
 * The order of application is MIGRATION_SETS in src/core/db/client.ts.
 */
const module = process.env.MODULE ?? 'core';
const schema =
  module === 'core'
    ? ['./src/core/db/platform-schema.ts', './src/modules/identity/schema.ts']
    : [`./src/modules/${module}/schema.ts`];

export default defineConfig({
  dialect: 'postgresql',
  schema,
  out: `./drizzle/${module}`,
  entities: { roles: { provider: '', exclude: [] } },
  migrations: { table: `migrations_${module}`, schema: 'drizzle' },
});
