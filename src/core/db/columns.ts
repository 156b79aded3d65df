import { getTableName, sql, type SQL } from 'drizzle-orm';
import { foreignKey, pgPolicy, pgRole, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/**
 * Declared, not created, by Drizzle: the first core migration creates it idempotently (it is
 * cluster-wide).
 */
export const appRole = pgRole('roster_app').existing();

/**
 * The transaction's org and user as policies read them. The sub-select makes Postgres evaluate the
 * setting once per statement (an init plan) instead of once per row it checks: a scan of a
 * thousand rows otherwise parses the setting into a uuid a thousand times. Being a plan parameter,
 * it still drives index scans on `org_id`.
 */
export const currentOrg = sql`(select app_current_org())`;
export const currentUser = sql`(select app_current_user())`;

/** The row-level-security policy every tenant table carries. */
export function tenantIsolation(table: string) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    to: appRole,
    using: sql`org_id = ${currentOrg}`,
    withCheck: sql`org_id = ${currentOrg}`,
  });
}

/** Time-ordered UUIDs keep B-tree inserts local and make `ORDER BY id` a creation order. */
export const newId = () => uuidv7();

export const idColumn = () => uuid('id').notNull().$defaultFn(newId);

export const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

const SAME_ORG_SUFFIX = '_same_org_fk';

/**
 * A reference from a tenant row to another tenant row, keyed by `org_id` on both sides
 * (`(org_id, unit_id) → units (org_id, id)`): the database itself refuses an id of another
 * organization, whatever the service checked. Named `<table>_<last column>_same_org_fk`, so a
 * refusal can be reported against the request field of that column (`sameOrgReferenceColumn`).
 */
export function sameOrgReference<
  TTable extends string,
  TForeign extends string,
  TColumns extends [AnyPgColumn<{ tableName: TTable }>, ...AnyPgColumn<{ tableName: TTable }>[]],
>(
  columns: TColumns,
  foreignColumns: Parameters<typeof foreignKey<TTable, TForeign, TColumns>>[0]['foreignColumns'],
) {
  const last = columns[columns.length - 1];
  const name = `${getTableName(last.table)}_${last.name}${SAME_ORG_SUFFIX}`;
  return foreignKey({ name, columns, foreignColumns });
}

/** The referencing column a same-org reference is named after, or undefined for any other constraint. */
export function sameOrgReferenceColumn(constraint: string | undefined, table: string | undefined) {
  if (!constraint || !table || !constraint.startsWith(`${table}_`) || !constraint.endsWith(SAME_ORG_SUFFIX))
    return undefined;
  return constraint.slice(table.length + 1, -SAME_ORG_SUFFIX.length) || undefined;
}

/**
 * The join condition of a same-org reference: `[org_id, key]` of one table against `[org_id, key]`
 * of the other, so the planner uses the tenant's index and a join never pairs rows of two orgs.
 */
export function sameOrgJoin(from: [AnyPgColumn, AnyPgColumn], to: [AnyPgColumn, AnyPgColumn]): SQL {
  return sql`${from[0]} = ${to[0]} and ${from[1]} = ${to[1]}`;
}
