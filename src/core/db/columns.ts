import { sql } from 'drizzle-orm';
import { pgPolicy, pgRole, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/**
 * Declared, not created, by Drizzle: the first core migration creates it idempotently (it is
 * cluster-wide).
 */
export const appRole = pgRole('roster_app').existing();

/** The row-level-security policy every tenant table carries (DESIGN.md § Data rules). */
export function tenantIsolation(table: string) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    to: appRole,
    using: sql`org_id = app_current_org()`,
    withCheck: sql`org_id = app_current_org()`,
  });
}

/** Time-ordered UUIDs keep B-tree inserts local and make `ORDER BY id` a creation order. */
export const newId = () => uuidv7();

export const idColumn = () => uuid('id').notNull().$defaultFn(newId);

export const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
