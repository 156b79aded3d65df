import { and, eq, sql } from 'drizzle-orm';
import { memberships } from '../../core/db/platform-schema.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { notFound } from '../../core/http/problem.ts';
import { signageMemberPermissions } from './schema.ts';

export interface MemberPermissions {
  user_id: number;
  view_all_assets: boolean;
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
      and(
        eq(signageMemberPermissions.orgId, memberships.orgId),
        eq(signageMemberPermissions.userId, memberships.userId),
      ),
    )
    .orderBy(memberships.userId);
  return rows.map((r) => ({ user_id: r.userId, view_all_assets: r.viewAllAssets }));
}

export async function setMemberPermissions(
  t: TenantTx,
  userId: number,
  input: { view_all_assets: boolean },
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
    .values({ orgId: t.orgId, userId, viewAllAssets: input.view_all_assets })
    .onConflictDoUpdate({
      target: [signageMemberPermissions.orgId, signageMemberPermissions.userId],
      set: { viewAllAssets: input.view_all_assets, updatedAt: new Date() },
    });
  await audit(t, {
    action: 'assign',
    entityType: 'signage_permission',
    entityId: userId,
    message: `view_all_assets ${input.view_all_assets ? 'granted to' : 'withdrawn from'} user ${userId}`,
    before: { view_all_assets: before?.viewAllAssets ?? false },
    after: { view_all_assets: input.view_all_assets },
  });
  return { user_id: userId, view_all_assets: input.view_all_assets };
}
