import { and, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { users } from '../../core/db/platform-schema.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import {
  deviceAssignments as da,
  groupMembers,
  monitoringGroups,
  performerAssignments,
  performers,
  wirelessUnits,
} from './schema.ts';

/** The group that receives migrated assignments; its members are the legacy assignees. */
export const LEGACY_GROUP = 'Legacy assignments';

export type LegacyRow = {
  d: typeof da.$inferSelect;
  username: string | null;
  fullName: string | null;
  unitName: string;
};

function legacyRows(t: TenantTx) {
  return t.tx
    .select({ d: da, username: users.username, fullName: users.fullName, unitName: wirelessUnits.name })
    .from(da)
    .innerJoin(wirelessUnits, and(eq(wirelessUnits.orgId, da.orgId), eq(wirelessUnits.id, da.wirelessUnitId)))
    .leftJoin(users, eq(users.id, da.userId));
}

/** LEGACY DeviceAssignment (user → wireless unit), kept readable for admins until migrated. */
export async function listLegacyAssignments(t: TenantTx, page: PageQuery) {
  requireOrgAdmin(t.actor, 'read legacy device assignments');
  const k = keyset({ columns: [da.id], key: (r: LegacyRow) => [r.d.id], page });
  return k.finish(
    await legacyRows(t)
      .where(k.after)
      .orderBy(...k.orderBy)
      .limit(k.limit),
  );
}

export interface MigrationReport {
  created_performers: number;
  created_assignments: number;
  skipped: number;
}

/**
 * The legacy migration: every active legacy assignment becomes a performer (named after the user, reused
 * by case-insensitive name) assigned to the same unit in the "Legacy assignments" group, whose
 * members are the legacy users so they keep seeing their units. Pairs that already exist are
 * skipped, so running it twice changes nothing.
 */
export async function migrateLegacyAssignments(t: TenantTx): Promise<MigrationReport> {
  requireOrgAdmin(t.actor, 'migrate legacy assignments');
  const report: MigrationReport = { created_performers: 0, created_assignments: 0, skipped: 0 };
  const legacy = await legacyRows(t).where(eq(da.isActive, true)).orderBy(da.id);
  if (legacy.length === 0) return report;

  let [group] = await t.tx.select().from(monitoringGroups).where(eq(monitoringGroups.name, LEGACY_GROUP));
  if (!group) {
    [group] = await t.tx
      .insert(monitoringGroups)
      .values({
        orgId: t.orgId,
        name: LEGACY_GROUP,
        description: 'Created by the DeviceAssignment migration',
      })
      .returning();
    await audit(t, {
      action: 'monitoring.group.created',
      entityType: 'monitoring_group',
      entityId: group.id,
      message: `Created monitoring group ${LEGACY_GROUP} for migrated assignments`,
    });
  }

  for (const row of legacy) {
    const name = row.fullName || row.username || `User ${row.d.userId}`;
    let [performer] = await t.tx
      .select()
      .from(performers)
      .where(sql`lower(${performers.name}) = lower(${name})`)
      .orderBy(performers.id)
      .limit(1);
    if (!performer) {
      [performer] = await t.tx
        .insert(performers)
        .values({ orgId: t.orgId, name, email: null, notes: 'Created from a legacy device assignment' })
        .returning();
      report.created_performers++;
      await audit(t, {
        action: 'monitoring.performer.created',
        entityType: 'performer',
        entityId: performer.id,
        message: `Created performer ${name} from legacy assignment ${row.d.id}`,
      });
    }
    await t.tx
      .insert(groupMembers)
      .values({ orgId: t.orgId, groupId: group.id, userId: row.d.userId })
      .onConflictDoNothing();
    const inserted = await t.tx
      .insert(performerAssignments)
      .values({
        orgId: t.orgId,
        performerId: performer.id,
        wirelessUnitId: row.d.wirelessUnitId,
        monitoringGroupId: group.id,
        notes: row.d.notes,
        alertOnBatteryLow: row.d.alertEnabled,
        alertOnSignalLoss: row.d.alertEnabled,
        alertOnAudioLow: row.d.alertEnabled,
        alertOnDeviceOffline: row.d.alertEnabled,
        assignedBy: t.actor.userId,
        assignedAt: row.d.assignedAt,
      })
      .onConflictDoNothing()
      .returning({ id: performerAssignments.id });
    if (inserted.length === 0) {
      report.skipped++;
      continue;
    }
    report.created_assignments++;
    await audit(t, {
      action: 'monitoring.assignment.created',
      entityType: 'performer_assignment',
      entityId: inserted[0].id,
      message: `Migrated legacy assignment ${row.d.id}: ${name} on ${row.unitName}`,
    });
  }
  await audit(t, {
    action: 'monitoring.legacy.migrated',
    entityType: 'device_assignment',
    message:
      `Legacy migration: ${report.created_performers} performer(s), ` +
      `${report.created_assignments} assignment(s) created, ${report.skipped} skipped`,
    after: { ...report },
  });
  return report;
}
