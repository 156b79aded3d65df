import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend } from '../support/env.ts';
import { queryRows } from '../../src/core/db/client.ts';

/**
 * The data rules that make the schema both tenant-safe and distributable by `org_id` (Citus, see
 * docs/operations.md), read from pg_catalog of a fully migrated database — so tables that modules
 * add later are checked without touching this file.
 *
 * A tenant table is a public table with an `org_id` column. Platform tables without `org_id`
 * (organizations, users, security_log) are global by design: they become Citus reference tables.
 */

/**
 * Tables that carry `org_id` but are looked up before any tenant is known, so they are keyed and
 * made unique globally. Each reason says why the rule cannot hold.
 */
const GLOBAL_LOOKUP_TABLES: Record<string, string> = {
  // Login sessions: the bearer token is the only thing a request has before it knows its org, so
  // the token hash must be unique platform-wide and the row found without an org. The table has
  // RLS with no policy for roster_app (unreadable from a tenant transaction).
  sessions: 'looked up by token hash before the org is known',
  // A screen asks for a pairing code before it belongs to any org (org_id is null until an admin
  // claims the code), and the code it shows must be unique platform-wide.
  signage_pairings: 'created before any org claims it; codes are global',
  // The payment provider's webhook names only its own subscription id; this table is how the
  // webhook finds the org, so the provider id is the global key (RLS on, no policy for tenants).
  signage_external_subscriptions: 'maps a payment-provider id to its org before the org is known',
  // Provider event ids already applied, deduplicated globally (org_id is null for events that
  // name no known subscription). RLS on, no policy for tenants.
  signage_webhook_events: 'payment-provider event ids, deduplicated before the org is known',
};

/**
 * `*_id` columns of tenant tables that are deliberately not a same-org reference. Everything else
 * named like a reference must be covered by a foreign key that includes org_id.
 */
const UNREFERENCED_ID_COLUMNS: Record<string, string> = {
  // Users are platform-wide (one login, several orgs); the membership ties them to an org.
  'memberships.user_id': 'a user (platform-wide table)',
  'invitations.invited_user_id': 'a user (platform-wide table), never shown to the inviting org',
  'monitoring_group_members.user_id': 'a user (platform-wide table)',
  'device_assignments.user_id': 'a user (platform-wide table)',
  'event_assignments.user_id': 'a user (platform-wide table)',
  'room_assignments.user_id': 'a user (platform-wide table)',
  'event_participants.user_id': 'a user (platform-wide table), null for a guest badge',
  'events.president_id': 'a user (platform-wide table)',
  'audit_log.actor_user_id': 'a user, kept after the user is gone (history)',
  // History outlives what it names.
  'monitoring_alerts.assignment_id': 'the assignment an alert was raised for; the alert outlives it',
  'audit_log.entity_id': 'any kind of entity, as text; the trail outlives it',
  'signage_plays.asset_id': 'the asset a screen played; proof of play outlives the asset',
  'signage_emergencies.image_asset_id':
    'checked when the message is set; deleting the image keeps the message',
  'signage_screenshots.command_id':
    'the command a screenshot answered, checked (same screen) on upload; the picture outlives it',
  // Not references at all.
  'audit_log.request_id': 'the HTTP request id, for log correlation',
  'event_participants.badge_id': 'the code printed on the badge',
  'signage_plays.client_id': "the player's own id of a play, so a batch sent again is stored once",
};

interface TableInfo {
  name: string;
  rls: boolean;
  policies: number;
}
interface ConstraintInfo {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'f';
  columns: string[];
  refTable: string | null;
  refColumns: string[];
  def: string;
}

describeEachBackend(
  'schema rules: every tenant table is keyed, constrained and isolated by org_id',
  (env) => {
    const load = async () => {
      const db = env().database.db;
      const tables = await queryRows<TableInfo>(
        db,
        sql`select c.relname as name, c.relrowsecurity as rls, (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
          order by 1`,
      );
      const constraints = await queryRows<ConstraintInfo>(
        db,
        sql`select c.relname as table, k.conname as name, k.contype as kind,
                 array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as columns,
                 r.relname as "refTable",
                 coalesce(array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i), '{}') as "refColumns",
                 pg_get_constraintdef(k.oid) as def
          from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
          left join pg_class r on r.oid = k.confrelid
          where n.nspname = 'public' and k.contype in ('p', 'u', 'f')
          order by 1, 2`,
      );
      // Unique indexes that are not constraints (partial or expression uniqueness, `create unique index`).
      const uniqueIndexes = await queryRows<{ table: string; name: string; columns: string[]; def: string }>(
        db,
        sql`select c.relname as table, i.relname as name,
                 array(select a.attname::text from unnest(x.indkey) with ordinality u(n, o) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n order by u.o) as columns,
                 pg_get_indexdef(x.indexrelid) as def
          from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and x.indisunique and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
          order by 1, 2`,
      );
      const idColumns = await queryRows<{ table: string; column: string }>(
        db,
        sql`select c.table_name as table, c.column_name as column from information_schema.columns c
          where c.table_schema = 'public' and right(c.column_name, 3) = '_id' and c.column_name <> 'org_id'
          order by 1, 2`,
      );
      const tenant = new Set(tables.map((t) => t.name).filter((t) => !(t in GLOBAL_LOOKUP_TABLES)));
      return { tables, constraints, uniqueIndexes, tenant, idColumns };
    };

    test('the migrated schema has tenant tables of every module, and each exception still exists', async () => {
      const { tables, tenant } = await load();
      for (const expected of [
        'memberships',
        'audit_log',
        'units',
        'performers',
        'performer_assignments',
        'events',
        'room_accesses',
        'signage_devices',
      ]) {
        assert.ok(tenant.has(expected), `${expected} is a tenant table (found ${[...tenant].join(', ')})`);
      }
      // An exception whose table disappeared must be removed from the list, not silently kept.
      for (const name of Object.keys(GLOBAL_LOOKUP_TABLES))
        assert.ok(
          tables.some((t) => t.name === name),
          `${name} still exists`,
        );
    });

    test('row-level security is enabled on every table with org_id, with a policy on every tenant table', async () => {
      const { tables, tenant } = await load();
      const noRls = tables.filter((t) => !t.rls).map((t) => t.name);
      assert.deepEqual(noRls, [], 'tables with org_id but RLS disabled');
      const noPolicy = tables.filter((t) => tenant.has(t.name) && t.policies === 0).map((t) => t.name);
      assert.deepEqual(
        noPolicy,
        [],
        'tenant tables without any policy (RLS on, no policy = invisible to roster_app)',
      );
    });

    test('every tenant table has a primary key that includes org_id (first column)', async () => {
      const { constraints, tenant } = await load();
      const failures: string[] = [];
      for (const table of tenant) {
        const pk = constraints.find((c) => c.table === table && c.kind === 'p');
        if (!pk) failures.push(`${table}: no primary key`);
        else if (pk.columns[0] !== 'org_id') failures.push(`${table}: ${pk.def}`);
      }
      assert.deepEqual(failures, []);
    });

    test('every unique constraint and unique index of a tenant table includes org_id', async () => {
      // A credential's hash is looked up before its org is known, so it is unique platform-wide.
      const GLOBAL = new Set(['monitoring_display_links_token_uq']);
      const { constraints, uniqueIndexes, tenant } = await load();
      const failures = [
        ...constraints
          .filter((c) => tenant.has(c.table) && c.kind === 'u' && !c.columns.includes('org_id'))
          .map((c) => `${c.table}.${c.name}: ${c.def}`),
        ...uniqueIndexes
          .filter((i) => tenant.has(i.table) && !i.columns.includes('org_id') && !GLOBAL.has(i.name))
          .map((i) => `${i.table}.${i.name}: ${i.def}`),
      ];
      assert.deepEqual(failures, []);
    });

    test('every foreign key between two tenant tables includes org_id on both sides, matched to each other', async () => {
      const { constraints, tenant } = await load();
      const fks = constraints.filter(
        (c) => c.kind === 'f' && tenant.has(c.table) && c.refTable !== null && tenant.has(c.refTable),
      );
      assert.ok(fks.length >= 10, `tenant-to-tenant foreign keys found (${fks.length})`);
      const failures = fks
        .filter((c) => {
          const at = c.columns.indexOf('org_id');
          return at === -1 || c.refColumns[at] !== 'org_id';
        })
        .map((c) => `${c.table}.${c.name}: ${c.def}`);
      assert.deepEqual(failures, []);
    });

    test('every *_id column of a tenant table is a same-org reference, or a listed exception', async () => {
      const { constraints, tenant, idColumns } = await load();
      const covered = new Set(
        constraints
          .filter((c) => c.kind === 'f' && c.columns.includes('org_id'))
          .flatMap((c) => c.columns.map((col) => `${c.table}.${col}`)),
      );
      const uncovered = idColumns
        .filter((c) => tenant.has(c.table))
        .map((c) => `${c.table}.${c.column}`)
        .filter((c) => !covered.has(c));
      // Equal, not a subset: an exception that became a reference must leave the list.
      assert.deepEqual(uncovered.sort(), Object.keys(UNREFERENCED_ID_COLUMNS).sort());
    });

    test('every same-org reference is named <table>_<column>_same_org_fk after its last column', async () => {
      const { constraints } = await load();
      const failures = constraints
        .filter((c) => c.kind === 'f' && c.columns.includes('org_id') && c.columns.length > 1)
        .filter((c) => c.name !== `${c.table}_${c.columns[c.columns.length - 1]}_same_org_fk`)
        .map((c) => `${c.table}.${c.name}: ${c.def}`);
      assert.deepEqual(failures, []);
    });

    test('every tenant table references organizations through org_id (cascade on org deletion)', async () => {
      const { constraints, tenant } = await load();
      const missing = [...tenant].filter(
        (table) =>
          !constraints.some(
            (c) =>
              c.table === table &&
              c.kind === 'f' &&
              c.refTable === 'organizations' &&
              c.columns.length === 1 &&
              c.columns[0] === 'org_id' &&
              /on delete cascade/i.test(c.def),
          ),
      );
      assert.deepEqual(missing, []);
    });
  },
);
