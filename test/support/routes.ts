import type { RouteOptions } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Queryable } from '../../src/core/db/client.ts';
import { newId } from '../../src/core/db/columns.ts';
import { buildApp, type AppDeps, type RosterApp, type RosterModule } from '../../src/core/http/app.ts';
import { modules } from '../../src/server.ts';

/**
 * Shared by the hardening suites: the registered routes (discovered at run time, as in
 * test/cross-tenant.test.ts, so routes added later are covered), JSON-schema samples of their zod
 * schemas, and a checksum of the whole database.
 */
export interface WalkedRoute {
  method: string;
  url: string;
  params: string[];
  options: RouteOptions;
}

/** Ops and docs routes carry no tenant data and take no JSON input. */
const SKIPPED = /^\/(docs|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/** Builds a second app over the same deps whose only extra is a route collector. */
export async function appWithRoutes(deps: AppDeps): Promise<{ app: RosterApp; routes: WalkedRoute[] }> {
  const routes: WalkedRoute[] = [];
  const collector: RosterModule = {
    name: 'route-collector',
    register(app) {
      app.addHook('onRoute', (options) => {
        const methods = Array.isArray(options.method) ? options.method : [options.method];
        if (SKIPPED.test(options.url) || (options as { websocket?: boolean }).websocket) return;
        const params = [...options.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
        // HEAD is Fastify's automatic twin of GET.
        for (const method of methods.filter((m) => m !== 'HEAD'))
          routes.push({ method: String(method), url: options.url, params, options });
      });
    },
  };
  const app = await buildApp(deps, { modules: [collector, ...modules] });
  await app.ready();
  return { app, routes };
}

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

export function jsonSchemaOf(schema: unknown): JsonSchema | undefined {
  if (!schema || typeof schema !== 'object' || !('_zod' in schema)) return undefined;
  return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

export function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  return s.$ref ? resolve(root.$defs?.[s.$ref.split('/').pop()!] ?? {}, root) : s;
}

/** The JSON type a property mostly is: the first non-null branch of a union. */
export function typeOf(s: JsonSchema, root: JsonSchema): string | undefined {
  const r = resolve(s, root);
  if (r.enum) return 'enum';
  if (r.const !== undefined) return 'const';
  const options = r.anyOf ?? r.oneOf;
  if (options) return typeOf(options.find((o) => resolve(o, root).type !== 'null') ?? options[0], root);
  return Array.isArray(r.type) ? r.type.find((t) => t !== 'null') : r.type;
}

/** A value the schema accepts, so one field at a time can be made wrong. */
export function sampleOf(s: JsonSchema, root: JsonSchema): unknown {
  s = resolve(s, root);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const options = s.anyOf ?? s.oneOf;
  if (options) return sampleOf(options.find((o) => resolve(o, root).type !== 'null') ?? options[0], root);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((o) => sampleOf(o, root)));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sampleOf(s.properties?.[key] ?? {}, root);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sampleOf(s.items ?? {}, root));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'string':
      switch (s.format) {
        case 'uuid':
          return newId();
        case 'date-time':
          return new Date().toISOString();
        case 'date':
          return new Date().toISOString().slice(0, 10);
        case 'email':
          return 'sample@example.test';
        case 'uri':
        case 'url':
          return 'https://example.test/sample';
        default:
          return 'x'.repeat(Math.min(Math.max(s.minLength ?? 1, 6), s.maxLength ?? 6));
      }
    default:
      return 'sample';
  }
}

/** A path with each param replaced by a well-formed id (uuid or integer, as its schema wants). */
export function samplePath(
  route: WalkedRoute,
  value?: (param: string, type: string | undefined) => string,
): string {
  const params = jsonSchemaOf(route.options.schema?.params);
  return route.params.reduce((url, p) => {
    const prop = params?.properties?.[p];
    const type = prop ? typeOf(prop, params) : undefined;
    const fallback =
      prop && resolve(prop, params).format === 'uuid'
        ? newId()
        : type === 'integer' || type === 'number'
          ? '1'
          : prop
            ? String(sampleOf(prop, params))
            : newId();
    return url.replace(`:${p}`, encodeURIComponent(value?.(p, type) ?? fallback));
  }, route.url);
}

/** A quoted SQL identifier (table and column names discovered at run time). */
export const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

/**
 * count + md5 of every public table (all orgs, platform tables included), in a stable order.
 * Columns that record reads rather than changes — a session's or key's "last used" touch — are
 * left out: serving a request may update them by design.
 */
export async function databaseChecksum(db: Queryable): Promise<Record<string, string>> {
  const tables = await queryRows<{ table_name: string; columns: string[] }>(
    db,
    sql`select c.table_name, array_agg(c.column_name::text order by c.ordinal_position) as columns
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' group by c.table_name order by c.table_name`,
  );
  const sums: Record<string, string> = {};
  for (const { table_name, columns } of tables) {
    const kept = columns.filter((c) => !/^last_(seen|used)(_at)?$/.test(c));
    const row = sql.join(
      kept.map((c) => sql`x.${ident(c)}::text`),
      sql`, `,
    );
    const [r] = await queryRows<{ n: number; h: string }>(
      db,
      sql`select count(*)::int as n, coalesce(md5(string_agg(concat_ws('|', ${row}), E'\n' order by concat_ws('|', ${row}))), '') as h from ${ident(table_name)} x`,
    );
    sums[table_name] = `${r.n}:${r.h}`;
  }
  return sums;
}

/** Tables whose checksum differs, with before → after. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t}: ${before[t]} → ${after[t]}`);
}

/**
 * count + md5 of one org's rows in every tenant table, plus its organization row and the identity
 * fields of its members' global user rows (not their last-login touch): "org B is unchanged".
 * `except` leaves out tables that change on a timer by design (usage metering).
 */
export async function orgChecksum(
  db: Queryable,
  orgId: string,
  opts: { except?: string[] } = {},
): Promise<Record<string, string>> {
  const tables = await queryRows<{ table_name: string }>(
    db,
    sql`select c.table_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' and c.column_name = 'org_id' order by 1`,
  );
  const sums: Record<string, string> = {};
  for (const { table_name } of tables.filter((t) => !opts.except?.includes(t.table_name))) {
    const [r] = await queryRows<{ n: number; h: string }>(
      db,
      sql`select count(*)::int as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${ident(table_name)} x where x.org_id = ${orgId}`,
    );
    sums[table_name] = `${r.n}:${r.h}`;
  }
  const [org] = await queryRows<{ h: string }>(
    db,
    sql`select md5(o::text) as h from organizations o where o.id = ${orgId}`,
  );
  const [people] = await queryRows<{ n: number; h: string }>(
    db,
    sql`select count(*)::int as n, coalesce(md5(string_agg(concat_ws('|', u.id, u.username, u.email, u.full_name, u.password_hash, u.is_active, u.must_change_password), E'\n' order by u.id)), '') as h
        from users u where exists (select 1 from memberships m where m.user_id = u.id and m.org_id = ${orgId})`,
  );
  sums.organizations = org.h;
  sums.users = `${people.n}:${people.h}`;
  return sums;
}
