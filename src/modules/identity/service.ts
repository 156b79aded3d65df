import { and, eq, ne, sql } from 'drizzle-orm';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { authInvalidation } from '../../core/auth/cache.ts';
import { queryRows, type Db, type Queryable } from '../../core/db/client.ts';
import { containsText } from '../../core/db/search.ts';
import { memberships, organizations, users } from '../../core/db/platform-schema.ts';
import { withTenant, type TenantTx } from '../../core/db/tenant.ts';
import { isOrgAdmin, systemActor, type Actor, type OrgRole } from '../../core/access/actor.ts';
import { audit, type AuditEntry } from '../../core/audit/service.ts';
import { hashPassword, temporaryPassword } from '../../core/auth/secrets.ts';
import { conflict, forbidden, invalidField, notFound, unprocessable } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { apiKeys } from './schema.ts';
import { statement } from '../../core/db/statements.ts';
import { currentOrg } from '../../core/db/columns.ts';
import { orgView } from './views.ts';

export type User = typeof users.$inferSelect;
export type Organization = typeof organizations.$inferSelect;

export const MIN_PASSWORD_LENGTH = 8;

// ---------------------------------------------------------------- organizations (platform)

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Creating a tenant is a platform action (CLI, signup): it runs on the owner connection. */
export async function createOrganization(
  db: Db,
  input: { name: string; slug: string; domain?: string | null },
): Promise<Organization> {
  if (!SLUG.test(input.slug))
    throw invalidField('slug', 'lowercase letters, digits and dashes, 1-63 characters');
  const [existing] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, input.slug));
  if (existing) throw conflict(phrase('org.slugTaken', { slug: input.slug }));
  const [org] = await db
    .insert(organizations)
    .values({ name: input.name, slug: input.slug, domain: input.domain ?? null })
    .returning();
  await withTenant({ db }, systemActor(org.id), (t) =>
    audit(t, {
      action: 'create',
      entityType: 'organization',
      entityId: org.id,
      message: `Organization created: ${org.name} (${org.slug})`,
      after: orgView(org),
    }),
  );
  return org;
}

export async function findOrganizationBySlug(db: Queryable, slug: string): Promise<Organization | undefined> {
  const [org] = await db.select().from(organizations).where(eq(organizations.slug, slug));
  return org;
}

export async function updateCurrentOrganization(
  t: TenantTx,
  patch: { name?: string; domain?: string | null },
) {
  const [before] = await t.tx.select().from(organizations).where(eq(organizations.id, t.orgId));
  if (!before) throw notFound('Organization');
  const [after] = await t.tx
    .update(organizations)
    .set({ ...definedOnly(patch), updatedAt: new Date() })
    .where(eq(organizations.id, t.orgId))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'organization',
    entityId: t.orgId,
    message: `Organization updated: ${after.name}`,
    before: orgView(before),
    after: orgView(after),
  });
  return after;
}

// ---------------------------------------------------------------- users and memberships

export interface NewUser {
  username: string;
  email?: string | null;
  fullName?: string;
  /** When absent a temporary password is generated and must be changed at first login. */
  password?: string;
  orgRole?: OrgRole;
}

function checkPassword(password: string, path = 'password') {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw invalidField(path, phrase('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
}

/**
 * Creates a user and their membership in the current org. The id is drawn first because the new
 * row is invisible to the app role (RLS) until the membership exists, so INSERT … RETURNING fails.
 */
export async function createUser(
  t: TenantTx,
  input: NewUser,
): Promise<{ user: User; temporaryPassword: string | null }> {
  const username = input.username.trim();
  const email = input.email?.trim().toLowerCase() || null;
  await assertUsernameFree(t.tx, username, email);
  const generated = input.password === undefined ? temporaryPassword() : null;
  if (input.password !== undefined) checkPassword(input.password);
  const passwordHash = await hashPassword(input.password ?? generated!);
  const [next] = await queryRows<{ id: string }>(
    t.tx,
    sql`select nextval(pg_get_serial_sequence('users', 'id')) as id`,
  );
  const id = Number(next.id);
  await t.tx.insert(users).values({
    id,
    username,
    email,
    fullName: input.fullName ?? '',
    passwordHash,
    mustChangePassword: generated !== null,
    managingOrgId: t.orgId,
  });
  await t.tx.insert(memberships).values({ orgId: t.orgId, userId: id, role: input.orgRole ?? 'member' });
  const [user] = await t.tx.select().from(users).where(eq(users.id, id));
  return { user, temporaryPassword: generated };
}

/**
 * Usernames and emails are global (one login across orgs). RLS hides users of other orgs, so the
 * check goes through SECURITY DEFINER functions that answer only "which id has this login".
 */
export async function assertUsernameFree(
  q: Queryable,
  username: string,
  email: string | null,
  exceptId?: number,
) {
  const [row] = await queryRows<{ by_username: string | null; by_email: string | null }>(
    q,
    sql`select app_user_id_by_username(${username}) as by_username,
      app_user_id_by_email(${email}) as by_email`,
  );
  const other = (id: string | null) => id !== null && Number(id) !== exceptId;
  if (other(row.by_username))
    throw conflict(phrase('user.usernameTaken', { username }), [
      { path: 'body.username', message: 'already taken' },
    ]);
  if (other(row.by_email))
    throw conflict(phrase('user.emailTaken', { email: String(email) }), [
      { path: 'body.email', message: 'already in use' },
    ]);
}

export interface Member {
  user: User;
  role: OrgRole;
  membershipActive: boolean;
}

export async function getMember(t: TenantTx, userId: number): Promise<Member> {
  const [row] = await t.tx
    .select({ user: users, role: memberships.role, membershipActive: memberships.isActive })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.userId, userId));
  if (!row) throw notFound('User');
  return row;
}

export async function listMembers(t: TenantTx, opts: { q?: string; role?: OrgRole; page: PageQuery }) {
  const page = keyset({ columns: [users.id], key: (r: Member) => [r.user.id], page: opts.page });
  const rows = await t.tx
    .select({ user: users, role: memberships.role, membershipActive: memberships.isActive })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        opts.q ? containsText(opts.q, users.username, users.fullName, users.email) : undefined,
        opts.role ? eq(memberships.role, opts.role) : undefined,
        page.after,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(page.limit);
  return page.finish(rows);
}

export async function currentOrganization(t: TenantTx): Promise<Organization> {
  const [org] = await t.tx.select().from(organizations).where(eq(organizations.id, t.orgId));
  if (!org) throw notFound('Organization');
  return org;
}

/** The member as `auth/me` shows them. */
export type MemberIdentity = Pick<
  User,
  'id' | 'username' | 'email' | 'fullName' | 'isActive' | 'lastLogin' | 'mustChangePassword'
>;
export type OrgIdentity = Pick<Organization, 'id' | 'name' | 'slug' | 'domain' | 'isActive'>;

/**
 * `auth/me` in one statement: the current org, the actor's user (null for an API key or a device)
 * and the orgs that user may switch to (`app_my_orgs`, their own memberships across orgs). Nothing
 * of it is cached, so a removed membership or a renamed org shows at the next request.
 */
export async function whoAmI(
  t: TenantTx,
): Promise<{ org: OrgIdentity; user: MemberIdentity | null; orgs: Array<OrgIdentity & { role: OrgRole }> }> {
  const [row] = await whoAmIStatement(t.tx, { userId: t.actor.userId }, undefined);
  if (!row) throw notFound('Organization');
  const { user, orgs, ...org } = row;
  if (t.actor.userId === null) return { org, user: null, orgs: [] };
  if (!user) throw notFound('User');
  return { org, user, orgs };
}

const whoAmIStatement = statement<{ userId: number | null }, WhoAmIRow[]>((q, p) =>
  q
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      domain: organizations.domain,
      isActive: organizations.isActive,
      user: {
        id: users.id,
        username: users.username,
        email: users.email,
        fullName: users.fullName,
        isActive: users.isActive,
        lastLogin: users.lastLogin,
        mustChangePassword: users.mustChangePassword,
      },
      orgs: sql<Array<OrgIdentity & { role: OrgRole }>>`app_my_orgs()`,
    })
    .from(organizations)
    .leftJoin(memberships, eq(memberships.userId, p.userId))
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(eq(organizations.id, currentOrg)),
);

/** Drizzle answers `user` null when the left join found no membership. */
type WhoAmIRow = OrgIdentity & { user: MemberIdentity | null; orgs: Array<OrgIdentity & { role: OrgRole }> };

/** Org roles in increasing power: a role may grant or act only up to its own rank. */
const ROLE_RANK: Record<OrgRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const roleAbove = (a: OrgRole, b: OrgRole) => ROLE_RANK[a] > ROLE_RANK[b];

/** The lower of two roles: what a delegated credential may do is never more than its grantor's. */
export const lowerRole = (a: OrgRole, b: OrgRole): OrgRole => (roleAbove(a, b) ? b : a);

/**
 * Owners are made, demoted, deactivated and removed by owners only: an admin is limited by the
 * owners, so raising anyone (themselves included) to owner or pushing an owner out would lift
 * that limit.
 */
export function assertMayChangeOwnership(actor: Actor, from: OrgRole | null, to: OrgRole | null) {
  if (actor.orgRole === 'owner' || (from !== 'owner' && to !== 'owner')) return;
  throw forbidden(
    to === 'owner' && from !== 'owner'
      ? 'Only owners may make someone an owner'
      : 'Only owners may demote, deactivate or remove an owner',
  );
}

/**
 * Username, email, full name and password belong to the person: only they, or the admins of the
 * org that manages the account (the one that created it), may change them. Another org the user
 * joined administers the membership, never the account.
 */
export async function assertMayEditIdentity(t: TenantTx, userId: number) {
  if (t.actor.userId === userId) return;
  const [user] = await t.tx
    .select({ managingOrgId: users.managingOrgId })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw notFound('User');
  if (user.managingOrgId !== t.orgId) throw forbidden('This account is managed by another organization');
  if (!isOrgAdmin(t.actor))
    throw forbidden('Only the user and the organization’s admins may change a username, email or name');
}

/**
 * After a membership changed or ended: the user's cached credentials go at once, and so do those of
 * the keys they created (a key acts with at most its creator's role); then the audit row.
 */
async function membershipChanged(
  t: TenantTx,
  userId: number,
  entry: Omit<AuditEntry, 'entityType' | 'entityId'>,
) {
  t.publish(authInvalidation(t.orgId, { userId }));
  const keys = await t.tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.createdBy, userId));
  for (const k of keys) t.publish(authInvalidation(t.orgId, { apiKeyId: k.id }));
  await audit(t, { ...entry, entityType: 'membership', entityId: userId });
}

export async function setMemberRole(
  t: TenantTx,
  userId: number,
  patch: { role?: OrgRole; isActive?: boolean },
) {
  const before = await getMember(t, userId);
  assertMayChangeOwnership(
    t.actor,
    before.role,
    patch.role ?? (patch.isActive === false ? null : before.role),
  );
  if (
    before.role === 'owner' &&
    ((patch.role !== undefined && patch.role !== 'owner') || patch.isActive === false)
  )
    await assertAnotherOwner(t, userId);
  const [after] = await t.tx
    .update(memberships)
    .set({ ...definedOnly(patch), updatedAt: new Date() })
    .where(eq(memberships.userId, userId))
    .returning();
  await membershipChanged(t, userId, {
    action: 'update',
    message: `Membership of ${before.user.username} updated`,
    before: { role: before.role, is_active: before.membershipActive },
    after: { role: after.role, is_active: after.isActive },
  });
  return after;
}

export async function removeMember(t: TenantTx, userId: number) {
  const before = await getMember(t, userId);
  assertMayChangeOwnership(t.actor, before.role, null);
  if (before.role === 'owner') await assertAnotherOwner(t, userId);
  await t.tx.delete(memberships).where(eq(memberships.userId, userId));
  await membershipChanged(t, userId, {
    action: 'delete',
    message: `${before.user.username} removed from the organization`,
    before: { role: before.role },
  });
}

/**
 * An org always keeps one active owner: otherwise nobody could manage it any more. An owner whose
 * account is deactivated cannot log in, so they do not count.
 */
async function assertAnotherOwner(t: TenantTx, exceptUserId: number) {
  const [other] = await t.tx
    .select({ id: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.role, 'owner'),
        eq(memberships.isActive, true),
        eq(users.isActive, true),
        ne(memberships.userId, exceptUserId),
      ),
    )
    .limit(1);
  if (!other) throw unprocessable('The organization must keep at least one active owner');
}
