import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { isOrgAdmin, type Actor, type OrgRole } from './actor.ts';
import { replayedAt } from './assignment.ts';
import { explainablePolicies, type Policy, type Reason } from './policy.ts';
import { queryRows } from '../db/client.ts';
import { memberships, users } from '../db/platform-schema.ts';
import type { TenantTx } from '../db/tenant.ts';
import { invalidField, notFound } from '../http/problem.ts';
import { phrase } from '../http/problem-texts.ts';

// "Why can they see this?" answered from the policies themselves: each explainable policy's own
// rule (definePolicy's `describe`) and the derived grants it consults — never a second copy.

export interface Person {
  userId: number;
  username: string;
  orgRole: OrgRole;
}

export interface Reached {
  kind: string;
  id: string;
  label: string;
  reasons: Reason[];
}

export interface ObjectRef {
  kind: string;
  id: string;
}

/** `kind:id` → the policy that lists that kind, or a 400 naming `query.object`. */
export function parseObject(text: string): { ref: ObjectRef; policy: Policy<string> } {
  const at = text.lastIndexOf(':');
  const ref = { kind: text.slice(0, at), id: text.slice(at + 1) };
  const policy = at > 0 ? explainablePolicies().get(ref.kind) : undefined;
  if (!policy || !ref.id)
    throw invalidField('query.object', phrase('access.object', { kinds: explainableKinds().join(', ') }));
  return { ref, policy };
}

export function explainableKinds(): string[] {
  return [...explainablePolicies().keys()].sort();
}

/** The person as an actor of this org, as their session would be (their membership's role). */
export async function personOf(t: TenantTx, userId: number): Promise<Person> {
  const [row] = await t.tx
    .select({ userId: memberships.userId, username: users.username, orgRole: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, userId), eq(memberships.isActive, true)));
  if (!row) throw notFound('User');
  return row;
}

const actorOfPerson = (t: TenantTx, p: Person): Actor => ({
  userId: p.userId,
  label: p.username,
  orgId: t.orgId,
  orgRole: p.orgRole,
  via: 'session',
});

interface ReasonRow {
  id: string;
  label: string;
  own: boolean;
  derived: {
    grant: string;
    source: string;
    source_id: string;
    starts_at: string | null;
    until: string | null;
  }[];
}

/** The row's id, label, whether the policy's own rule admits it, and the derived grants that do. */
function reasonColumns(policy: Policy<string>, actor: Actor, at: SQL): SQL {
  const d = policy.describe!;
  const derived = policy.derivedSources(actor, at);
  const granted = derived
    ? sql`(select coalesce(json_agg(g), '[]'::json) from (${derived}) g)`
    : sql`'[]'::json`;
  return sql`${d.id()} as id, ${d.label()} as label, (${policy.ownSight(actor, at)}) is true as own,
    ${granted} as derived`;
}

function reasonsOf(policy: Policy<string>, actor: Actor, row: ReasonRow): Reason[] {
  const reasons: Reason[] = [];
  if (row.own)
    reasons.push(
      isOrgAdmin(actor)
        ? {
            rule: 'org.admin',
            source: `org role ${actor.orgRole}: everything in the organization`,
            as_of_now: true,
          }
        : {
            rule: `${policy.describe!.kind}.see`,
            source: policy.describe!.source,
            as_of_now: !policy.describe!.timeAware,
          },
    );
  for (const g of row.derived)
    reasons.push({
      rule: g.grant,
      source: grantSummary(policy, g.grant),
      grant: g.grant,
      assignment: {
        kind: g.source,
        id: g.source_id,
        starts_at: g.starts_at && new Date(g.starts_at).toISOString(),
        until: g.until && new Date(g.until).toISOString(),
      },
    });
  return reasons;
}

function grantSummary(policy: Policy<string>, name: string): string {
  return policy.grantsConsulted().find((g) => g.name === name)?.summary ?? name;
}

// Assignments are replayed as they stood at the instant asked about (their history), not as now.
const atSql = (at: Date) => replayedAt(at);

/** Why the actor sees the one object `id` of the policy at `at` (empty: they do not). */
async function reasonsOnObject(t: TenantTx, policy: Policy<string>, actor: Actor, id: string, at: Date) {
  const [row] = await queryRows<ReasonRow>(
    t.tx,
    sql`select ${reasonColumns(policy, actor, atSql(at))} from ${policy.table}
      where ${policy.describe!.id()} = ${id}`,
  );
  return reasonsOf(policy, actor, row);
}

/** Per explainable kind, the rows the person reaches at `at` (up to `limit` each), with why. */
export async function reachedBy(
  t: TenantTx,
  person: Person,
  at: Date,
  opts: { kind?: string; limit: number },
): Promise<{ items: Reached[]; truncated: string[] }> {
  const actor = actorOfPerson(t, person);
  const items: Reached[] = [];
  const truncated: string[] = [];
  for (const [kind, policy] of explainablePolicies()) {
    if (opts.kind && opts.kind !== kind) continue;
    const rows = await queryRows<ReasonRow>(
      t.tx,
      sql`select ${reasonColumns(policy, actor, atSql(at))} from ${policy.table}
        where ${policy.visibleAt(actor, atSql(at))} order by 1 limit ${opts.limit + 1}`,
    );
    if (rows.length > opts.limit) truncated.push(kind);
    for (const r of rows.slice(0, opts.limit))
      items.push({ kind, id: r.id, label: r.label, reasons: reasonsOf(policy, actor, r) });
  }
  return { items, truncated };
}

/** One object as one person sees it at `at`: the reasons, or the rules that refused and what would grant. */
export async function explainPair(t: TenantTx, person: Person, object: string, at: Date) {
  const { ref, policy } = parseObject(object);
  const label = await labelOf(t, policy, ref);
  const actor = actorOfPerson(t, person);
  const reasons = await reasonsOnObject(t, policy, actor, ref.id, at);
  if (reasons.length > 0) return { object: { ...ref, label }, allowed: true, reasons };
  return {
    object: { ...ref, label },
    allowed: false,
    reasons,
    refused_by: { rule: `${ref.kind}.see`, detail: `${policy.entity} not found for this person` },
    would_grant: wouldGrant(policy),
  };
}

/** The assignments that would admit a row of this kind: the policy's own, then each derived grant. */
function wouldGrant(policy: Policy<string>): { rule: string; source: string }[] {
  return [
    { rule: `${policy.describe!.kind}.see`, source: policy.describe!.source },
    ...policy.grantsConsulted().map((g) => ({ rule: g.name, source: g.summary })),
    { rule: 'org.admin', source: 'org role owner or admin' },
  ];
}

async function labelOf(t: TenantTx, policy: Policy<string>, ref: ObjectRef): Promise<string> {
  const [row] = await queryRows<{ label: string }>(
    t.tx,
    sql`select ${policy.describe!.label()} as label from ${policy.table} where ${policy.describe!.id()} = ${ref.id}`,
  );
  if (!row) throw notFound(policy.entity);
  return row.label;
}

/** Who reaches the object at `at`, through what: members in id order, a page at a time. */
export async function reachingObject(
  t: TenantTx,
  object: string,
  at: Date,
  page: { limit: number; after?: number },
) {
  const { ref, policy } = parseObject(object);
  const label = await labelOf(t, policy, ref);
  const members = await t.tx
    .select({ userId: memberships.userId, username: users.username, orgRole: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.isActive, true),
        page.after === undefined ? undefined : gt(memberships.userId, page.after),
      ),
    )
    .orderBy(asc(memberships.userId))
    .limit(page.limit + 1);
  const people: (Person & { reasons: Reason[] })[] = [];
  for (const person of members.slice(0, page.limit)) {
    const reasons = await reasonsOnObject(t, policy, actorOfPerson(t, person), ref.id, at);
    if (reasons.length > 0) people.push({ ...person, reasons });
  }
  const more = members.length > page.limit;
  return {
    object: { ...ref, label },
    people,
    next_after: more ? members[page.limit - 1].userId : null,
  };
}
