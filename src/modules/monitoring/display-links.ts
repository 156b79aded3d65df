import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Actor } from '../../core/access/actor.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { hashToken, newToken } from '../../core/auth/secrets.ts';
import type { Db } from '../../core/db/client.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type Page, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden, notFound, unauthorized } from '../../core/http/problem.ts';
import { boardOf } from './boards.ts';
import { getGroup } from './groups.ts';
import { getLocation, type WirelessUnit } from './hardware.ts';
import {
  alerts,
  chassis,
  displayLinks,
  locations,
  monitoringGroups,
  performerAssignments as pa,
  performers,
  wirelessUnits,
  PRIORITIES,
  type Priority,
} from './schema.ts';
import { assignmentPerformer } from './joins.ts';
import { readSettings, type MonitoringSettings } from './settings.ts';

export type DisplayLink = typeof displayLinks.$inferSelect;
/** A link with the names of what it shows. */
export type DisplayLinkRow = DisplayLink & { scopeName: string };

/** Display tokens start with this, so the authenticator can tell them from other credentials. */
const PREFIX = 'rdl';

/**
 * Resolves a display token to a read-only actor of the link's org: no user, viewer rights, and
 * (by its credential kind) only the display's own routes. A revoked link or a deactivated org is
 * refused; the display routes re-read the link on every request, so a revocation also applies to
 * credentials a server still holds in its cache.
 */
export async function authenticateDisplay(db: Db, token: string): Promise<Actor | null> {
  if (!token.startsWith(`${PREFIX}_`)) return null;
  const [row] = await db
    .select({ id: displayLinks.id, orgId: displayLinks.orgId, name: displayLinks.name })
    .from(displayLinks)
    .innerJoin(organizations, eq(organizations.id, displayLinks.orgId))
    .where(
      and(
        eq(displayLinks.tokenHash, hashToken(token)),
        isNull(displayLinks.revokedAt),
        eq(organizations.isActive, true),
      ),
    );
  if (!row) return null;
  return {
    userId: null,
    label: `display:${row.name}`,
    orgId: row.orgId,
    orgRole: 'viewer',
    via: 'display',
    displayLinkId: row.id,
  };
}

const scopeName = sql<string>`coalesce(${monitoringGroups.name},
  trim(${locations.building} || ' ' || ${locations.room}))`;

function linkRows(t: TenantTx) {
  return t.tx
    .select({ link: displayLinks, scopeName })
    .from(displayLinks)
    .leftJoin(monitoringGroups, eq(monitoringGroups.id, displayLinks.monitoringGroupId))
    .leftJoin(locations, eq(locations.id, displayLinks.locationId));
}

export interface DisplayLinkInput {
  name: string;
  monitoringGroupId?: string;
  locationId?: string;
  staleAfterSeconds?: number;
}

/** Admins only: the token is returned once, here, and only its hash is kept. */
export async function createDisplayLink(
  t: TenantTx,
  input: DisplayLinkInput,
): Promise<{ link: DisplayLinkRow; token: string }> {
  requireOrgAdmin(t.actor, 'create display links');
  if (input.monitoringGroupId) await getGroup(t, input.monitoringGroupId);
  if (input.locationId) await getLocation(t, input.locationId);
  const token = newToken(PREFIX);
  const [row] = await t.tx
    .insert(displayLinks)
    .values({
      orgId: t.orgId,
      name: input.name,
      tokenHash: hashToken(token),
      monitoringGroupId: input.monitoringGroupId ?? null,
      locationId: input.locationId ?? null,
      staleAfterSeconds: input.staleAfterSeconds,
      createdBy: t.actor.userId,
    })
    .returning();
  const link = await getDisplayLink(t, row.id);
  await audit(t, {
    action: 'monitoring.display_link.created',
    entityType: 'display_link',
    entityId: row.id,
    message: `Created display link ${row.name} for ${link.scopeName}`,
    after: { name: row.name, monitoring_group_id: row.monitoringGroupId, location_id: row.locationId },
  });
  return { link, token };
}

export async function getDisplayLink(t: TenantTx, id: string): Promise<DisplayLinkRow> {
  requireOrgAdmin(t.actor, 'manage display links');
  const [row] = await linkRows(t).where(eq(displayLinks.id, id));
  if (!row) throw notFound('Display link');
  return { ...row.link, scopeName: row.scopeName };
}

/** Admins: the org's links, newest first; revoked ones only when asked for. */
export async function listDisplayLinks(
  t: TenantTx,
  opts: { includeRevoked?: boolean; page: PageQuery },
): Promise<Page<DisplayLinkRow>> {
  requireOrgAdmin(t.actor, 'list display links');
  type Row = { link: DisplayLink; scopeName: string };
  const k = keyset({ columns: [displayLinks.id], key: (r: Row) => [r.link.id], page: opts.page });
  const rows = await linkRows(t)
    .where(and(opts.includeRevoked ? undefined : isNull(displayLinks.revokedAt), k.after))
    .orderBy(...k.orderBy)
    .limit(k.limit);
  const page = k.finish(rows);
  return {
    items: page.items.map((r) => ({ ...r.link, scopeName: r.scopeName })),
    next_cursor: page.next_cursor,
  };
}

/** The token stops working at once; revoking again changes nothing. */
export async function revokeDisplayLink(t: TenantTx, id: string): Promise<DisplayLinkRow> {
  const before = await getDisplayLink(t, id);
  if (before.revokedAt) return before;
  await t.tx.update(displayLinks).set({ revokedAt: new Date() }).where(eq(displayLinks.id, id));
  await audit(t, {
    action: 'monitoring.display_link.revoked',
    entityType: 'display_link',
    entityId: id,
    message: `Revoked display link ${before.name}`,
  });
  return getDisplayLink(t, id);
}

// What a display shows

export interface DisplayChannel {
  kind: 'channel';
  unit: WirelessUnit;
  performers: Array<{ id: string; name: string; title: string }>;
  priority: Priority | null;
  stale: boolean;
  alert: Pick<typeof alerts.$inferSelect, 'kind' | 'severity' | 'state' | 'message'> | null;
}
export type DisplaySlot = DisplayChannel | { kind: 'spacer' };

export interface DisplayWall {
  link: DisplayLinkRow;
  scope: { kind: 'group' | 'location'; id: string; name: string };
  settings: MonitoringSettings;
  now: Date;
  slots: DisplaySlot[];
}

/** The link behind a display actor, re-read so a revoked link stops at once (401). */
async function linkOfDisplay(t: TenantTx): Promise<DisplayLinkRow> {
  const id = t.actor.displayLinkId;
  if (t.actor.via !== 'display' || !id) throw forbidden('Only a display link may call this');
  const [row] = await linkRows(t).where(and(eq(displayLinks.id, id), isNull(displayLinks.revokedAt)));
  if (!row) throw unauthorized('This display link was revoked');
  // Admins see when a screen last read its wall; written at most once a minute per link.
  await t.tx
    .update(displayLinks)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(displayLinks.id, id),
        sql`(${displayLinks.lastUsedAt} is null or ${displayLinks.lastUsedAt} < now() - interval '1 minute')`,
      ),
    );
  return { ...row.link, scopeName: row.scopeName };
}

const RANK = new Map(PRIORITIES.map((p, i) => [p, i]));
const SEVERITY_RANK = { critical: 2, warning: 1 } as const;

/**
 * The wall of the display's scope: a group's board in its arranged order (spacers included), or
 * every active channel of the receivers at a location (by receiver, then slot), each with who
 * wears it, its worst unresolved alert and whether its reading is older than the link allows.
 */
export async function displayWall(t: TenantTx, now = new Date()): Promise<DisplayWall> {
  const link = await linkOfDisplay(t);
  const settings = await readSettings(t);
  let slotsOf: Array<{ unitId: string; assignmentId?: string } | null>;
  let scope: DisplayWall['scope'];
  if (link.monitoringGroupId) {
    const board = await boardOf(t, link.monitoringGroupId);
    slotsOf = board.slots.map((s) =>
      s.kind === 'spacer' ? null : { unitId: s.unit.id, assignmentId: s.assignmentId },
    );
    scope = { kind: 'group', id: link.monitoringGroupId, name: link.scopeName };
  } else {
    const units = await t.tx
      .select({ id: wirelessUnits.id })
      .from(wirelessUnits)
      .innerJoin(
        chassis,
        and(eq(chassis.orgId, wirelessUnits.orgId), eq(chassis.id, wirelessUnits.chassisId)),
      )
      .where(
        and(
          eq(chassis.locationId, link.locationId!),
          eq(chassis.isActive, true),
          eq(wirelessUnits.isActive, true),
        ),
      )
      .orderBy(asc(chassis.name), asc(chassis.id), asc(wirelessUnits.slot));
    slotsOf = units.map((u) => ({ unitId: u.id }));
    scope = { kind: 'location', id: link.locationId!, name: link.scopeName };
  }
  const unitIds = [...new Set(slotsOf.flatMap((s) => (s ? [s.unitId] : [])))];
  const none = unitIds.length === 0;
  const units = none ? [] : await t.tx.select().from(wirelessUnits).where(inArray(wirelessUnits.id, unitIds));
  const wearers = none
    ? []
    : await t.tx
        .select({
          assignmentId: pa.id,
          unitId: pa.wirelessUnitId,
          priority: pa.priority,
          id: performers.id,
          name: performers.name,
          title: performers.title,
        })
        .from(pa)
        .innerJoin(performers, assignmentPerformer)
        .where(and(inArray(pa.wirelessUnitId, unitIds), eq(pa.isActive, true), eq(performers.isActive, true)))
        .orderBy(asc(performers.name));
  const open = none
    ? []
    : await t.tx
        .select()
        .from(alerts)
        .where(and(inArray(alerts.unitId, unitIds), ne(alerts.state, 'resolved')))
        .orderBy(desc(alerts.raisedAt));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const staleBefore = now.getTime() - link.staleAfterSeconds * 1000;
  const slots: DisplaySlot[] = slotsOf.map((s) => {
    if (!s) return { kind: 'spacer' };
    const unit = unitById.get(s.unitId)!;
    // On a group's wall a tile is one assignment; at a location, everyone on the channel.
    const on = wearers.filter((w) =>
      s.assignmentId ? w.assignmentId === s.assignmentId : w.unitId === s.unitId,
    );
    const priority = on.map((w) => w.priority).sort((a, b) => RANK.get(b)! - RANK.get(a)!)[0] ?? null;
    const worst = open
      .filter((a) => a.unitId === s.unitId)
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])[0];
    return {
      kind: 'channel',
      unit,
      performers: on.map((w) => ({ id: w.id, name: w.name, title: w.title })),
      priority,
      stale: unit.lastSeen === null || unit.lastSeen.getTime() < staleBefore,
      alert: worst
        ? { kind: worst.kind, severity: worst.severity, state: worst.state, message: worst.message }
        : null,
    };
  });
  return { link, scope, settings, now, slots };
}
