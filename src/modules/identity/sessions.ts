import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { withKeptPlan, type Db } from '../../core/db/client.ts';
import { memberships, organizations, users } from '../../core/db/platform-schema.ts';
import { withTenant, type TenantTx } from '../../core/db/tenant.ts';
import { systemActor, type Actor, type OrgRole } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import {
  burnPasswordCheck,
  hashPassword,
  hashToken,
  newToken,
  verifyPassword,
} from '../../core/auth/secrets.ts';
import { invalidField, notFound, tooManyRequests, unauthorized } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import type { RateLimiter } from '../../core/http/rate-limit.ts';
import { securityLog, sessions } from './schema.ts';
import { MIN_PASSWORD_LENGTH, type Organization, type User } from './service.ts';

/** Ten wrong passwords per user and address in 15 minutes, then 429 until the window ends. */
export const LOGIN_LIMIT = { attempts: 10, windowSeconds: 15 * 60 };
/** Sessions are touched at most once a minute: a busy console must not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface LoginInput {
  username: string;
  password: string;
  org?: string;
  ip: string;
  userAgent?: string;
}

export interface LoginDeps {
  db: Db;
  rateLimiter: RateLimiter;
  sessionTtlMs: number;
}

export interface LoginResult {
  token: string;
  user: User;
  org: Organization;
  role: OrgRole;
  expiresAt: Date;
}

async function recordFailure(db: Db, input: LoginInput, user: User | undefined, reason: string) {
  await db.insert(securityLog).values({
    event: 'login.failed',
    username: input.username,
    userId: user?.id ?? null,
    ip: input.ip,
    detail: reason,
  });
  if (!user) return;
  // Failed logins go to the audit log of the orgs whose admins may see this user: those the user
  // belongs to (membership needs the user's consent) and the one that manages the account.
  const orgs = await db
    .select({ orgId: memberships.orgId })
    .from(memberships)
    .where(eq(memberships.userId, user.id));
  const orgIds = new Set(orgs.map((o) => o.orgId));
  if (user.managingOrgId) orgIds.add(user.managingOrgId);
  for (const orgId of orgIds) {
    await withTenant(
      { db },
      systemActor(orgId, 'auth'),
      (t) =>
        audit(t, {
          action: 'login.failed',
          entityType: 'user',
          entityId: user.id,
          message: `Failed login for ${user.username} from ${input.ip}: ${reason}`,
        }),
      { ip: input.ip },
    );
  }
}

/**
 * Active memberships of a user in active orgs, oldest first (the default org is the first). Asked
 * at every `auth/me`, so its plan is kept per connection.
 */
export async function orgsOfUser(db: Db, userId: number) {
  const query = db
    .select({ org: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(
      and(eq(memberships.userId, userId), eq(memberships.isActive, true), eq(organizations.isActive, true)),
    )
    .orderBy(asc(memberships.createdAt), asc(organizations.slug));
  return withKeptPlan(db, query);
}

export async function login(deps: LoginDeps, input: LoginInput): Promise<LoginResult> {
  const { db } = deps;
  const limitKey = `login:${input.ip}:${input.username.toLowerCase()}`;
  const gate = await deps.rateLimiter.hit(limitKey, LOGIN_LIMIT.attempts, LOGIN_LIMIT.windowSeconds);
  if (!gate.allowed) {
    await db.insert(securityLog).values({ event: 'login.throttled', username: input.username, ip: input.ip });
    throw tooManyRequests('Too many login attempts; try again later', gate.retryAfterSeconds);
  }
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${input.username})`);
  if (!user) {
    await burnPasswordCheck(input.password);
    await recordFailure(db, input, undefined, 'unknown user');
    throw unauthorized('Wrong username or password');
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    await recordFailure(db, input, user, 'wrong password');
    throw unauthorized('Wrong username or password');
  }
  if (!user.isActive) {
    await recordFailure(db, input, user, 'user deactivated');
    throw unauthorized('This account is deactivated');
  }
  const orgs = await orgsOfUser(db, user.id);
  const chosen = input.org ? orgs.find((o) => o.org.slug === input.org || o.org.id === input.org) : orgs[0];
  if (!chosen) {
    await recordFailure(
      db,
      input,
      user,
      input.org ? `no membership in ${input.org}` : 'no active membership',
    );
    throw unauthorized(
      input.org
        ? phrase('session.notMemberOf', { org: input.org })
        : 'You are not a member of any active organization',
    );
  }
  await deps.rateLimiter.reset(limitKey);
  const token = newToken('rs');
  const expiresAt = new Date(Date.now() + deps.sessionTtlMs);
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId: user.id,
    orgId: chosen.org.id,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 300),
    expiresAt,
  });
  const [updated] = await db
    .update(users)
    .set({ lastLogin: new Date(), lastLoginIp: input.ip })
    .where(eq(users.id, user.id))
    .returning();
  await withTenant(
    { db },
    { ...systemActor(chosen.org.id), userId: user.id, label: user.username, via: 'session' },
    (t) =>
      audit(t, {
        action: 'login',
        entityType: 'user',
        entityId: user.id,
        message: `${user.username} logged in from ${input.ip}`,
      }),
    { ip: input.ip },
  );
  return { token, user: updated, org: chosen.org, role: chosen.role, expiresAt };
}

/** Resolves a session token (`rs_…`) to an actor; null when unknown, expired or revoked. */
export async function authenticateSession(db: Db, token: string): Promise<Actor | null> {
  if (!token.startsWith('rs_')) return null;
  const [row] = await db
    .select({ session: sessions, user: users, role: memberships.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(
      memberships,
      and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, sessions.orgId)),
    )
    .innerJoin(organizations, eq(organizations.id, sessions.orgId))
    .where(
      and(
        eq(sessions.tokenHash, hashToken(token)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
        eq(users.isActive, true),
        eq(memberships.isActive, true),
        eq(organizations.isActive, true),
      ),
    );
  if (!row) return null;
  if (Date.now() - row.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, row.session.id));
  }
  return {
    userId: row.user.id,
    label: row.user.username,
    orgId: row.session.orgId,
    orgRole: row.role,
    via: 'session',
    sessionId: row.session.id,
    validUntil: row.session.expiresAt.getTime(),
    ...(row.user.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

export async function logout(db: Db, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sessionId));
}

/** Moves the session to another org the user belongs to (the console's org switcher). */
export async function switchOrg(db: Db, actor: Actor, org: string) {
  if (!actor.sessionId || actor.userId === null)
    throw unauthorized('Only a login session can switch organization');
  const orgs = await orgsOfUser(db, actor.userId);
  const target = orgs.find((o) => o.org.slug === org || o.org.id === org);
  if (!target) throw notFound('Organization');
  await db.update(sessions).set({ orgId: target.org.id }).where(eq(sessions.id, actor.sessionId));
  return target;
}

export async function changePassword(t: TenantTx, current: string, next: string): Promise<void> {
  const userId = t.actor.userId;
  if (userId === null) throw unauthorized('Only a user can change a password');
  const [user] = await t.tx.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(current, user.passwordHash)))
    throw invalidField('body.current_password', 'is not your current password');
  if (next.length < MIN_PASSWORD_LENGTH)
    throw invalidField('body.new_password', phrase('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
  if (next === current) throw invalidField('body.new_password', 'must differ from the current password');
  await t.tx
    .update(users)
    .set({ passwordHash: await hashPassword(next), mustChangePassword: false, updatedAt: new Date() })
    .where(eq(users.id, userId));
  await audit(t, {
    action: 'password.change',
    entityType: 'user',
    entityId: userId,
    message: `${user.username} changed their password`,
  });
}

/** After a password change the user's other sessions end: it must lock out whoever knew the old one. */
export async function revokeOtherSessions(db: Db, userId: number, keepSessionId?: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepSessionId ? sql`${sessions.id} <> ${keepSessionId}` : undefined,
      ),
    );
}
