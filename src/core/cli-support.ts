import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { organizations } from './db/platform-schema.ts';
import { withTenant, type TenantTx } from './db/tenant.ts';
import { systemActor } from './access/actor.ts';
import type { RosterApp } from './http/app.ts';

/**
 * For module commands that act inside one organization: `--org <slug>` (default `demo`) selects it
 * and `fn` runs in a tenant transaction as the system actor labelled with the command's name.
 */
export async function inOrgFromArgs<T>(
  app: RosterApp,
  args: string[],
  label: string,
  fn: (t: TenantTx, flags: Record<string, string | boolean | undefined>) => Promise<T>,
  extra: Record<string, { type: 'string' | 'boolean' }> = {},
): Promise<T> {
  const { values } = parseArgs({
    args,
    options: { org: { type: 'string' }, ...extra },
    allowPositionals: false,
  });
  const slug = values.org ?? 'demo';
  const [org] = await app.deps.database.db.select().from(organizations).where(eq(organizations.slug, slug));
  if (!org) throw new Error(`no organization with slug ${slug}`);
  return withTenant({ db: app.deps.database.db, bus: app.deps.bus }, systemActor(org.id, label), (t) =>
    fn(t, values),
  );
}
