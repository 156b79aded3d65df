import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/core/db/platform-schema.ts', './src/modules/*/schema.ts'],
  out: './drizzle',
  entities: { roles: { provider: '', exclude: [] } },
});
