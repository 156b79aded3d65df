import { eq, sql } from 'drizzle-orm';
import { memberships } from '../../core/db/platform-schema.ts';
import { sameOrgJoin } from '../../core/db/columns.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { notFound } from '../../core/http/problem.ts';
import { signageMemberPermissions } from './schema.ts';

const granted = signageMemberPermissions;

export interface MemberPermissions {
  userId: number;
  viewAllAssets: boolean;
}

/** Signage permissions of every member of the org (members without a row hold none). */
export async function listMemberPermissions(t: TenantTx): Promise<MemberPermissions[]> {
  requireOrgAdmin(t.actor, 'see signage permissions');
  const rows = await t.tx
    .select({
      userId: memberships.userId,
      viewAllAssets: sql<boolean>`coalesce(${signageMemberPermissions.viewAllAssets}, false)`,
    })
    .from(memberships)
    .leftJoin(
      signageMemberPermissions,
      sameOrgJoin([granted.orgId, granted.userId], [memberships.orgId, memberships.userId]),
    )
    .orderBy(memberships.userId);
  return rows;
}

export async function setMemberPermissions(
  t: TenantTx,
  userId: number,
  viewAllAssets: boolean,
): Promise<MemberPermissions> {
  requireOrgAdmin(t.actor, 'change signage permissions');
  const [member] = await t.tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  if (!member) throw notFound('Member');
  const [before] = await t.tx
    .select()
    .from(signageMemberPermissions)
    .where(eq(signageMemberPermissions.userId, userId));
  await t.tx
    .insert(signageMemberPermissions)
    .values({ orgId: t.orgId, userId, viewAllAssets })
    .onConflictDoUpdate({
      target: [signageMemberPermissions.orgId, signageMemberPermissions.userId],
      set: { viewAllAssets, updatedAt: new Date() },
    });
  await audit(t, {
    action: 'assign',
    entityType: 'signage_permission',
    entityId: userId,
    message: `view_all_assets ${viewAllAssets ? 'granted to' : 'withdrawn from'} user ${userId}`,
    before: { view_all_assets: before?.viewAllAssets ?? false },
    after: { view_all_assets: viewAllAssets },
  });
  return { userId, viewAllAssets };
}
