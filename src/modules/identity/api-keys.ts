import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { memberships, organizations, users } from '../../core/db/platform-schema.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { authInvalidation } from '../../core/auth/cache.ts';
import { hashToken, newToken } from '../../core/auth/secrets.ts';
import { forbidden, notFound, tooManyRequests } from '../../core/http/problem.ts';
import type { RateLimiter } from '../../core/http/rate-limit.ts';
import { apiKeys, securityLog } from './schema.ts';
import { lowerRole, roleAbove } from './service.ts';
import { apiKeyView } from './views.ts';

export type ApiKey = typeof apiKeys.$inferSelect;
export type ApiKeyRole = ApiKey['role'];

/** Twenty unknown keys per address per minute: enough for a misconfigured script, not for guessing. */
export const KEY_ATTEMPT_LIMIT = { attempts: 20, windowSeconds: 60 };
const TOUCH_EVERY_MS = 60_000;

/**
 * Creates a key; the secret is returned here once and only its hash is stored. A key stands in for
 * the person who made it: never with a higher role, and a key made by a key has the same maker.
 */
export async function createApiKey(t: TenantTx, input: { name: string; role: ApiKeyRole }) {
  if (roleAbove(input.role, t.actor.orgRole))
    throw forbidden('An API key cannot have a role above that of its creator');
  let createdBy = t.actor.userId;
  if (createdBy === null && t.actor.apiKeyId) {
    const [maker] = await t.tx
      .select({ createdBy: apiKeys.createdBy })
      .from(apiKeys)
      .where(eq(apiKeys.id, t.actor.apiKeyId));
    createdBy = maker?.createdBy ?? null;
  }
  const secret = newToken('rk');
  const [key] = await t.tx
    .insert(apiKeys)
    .values({
      orgId: t.orgId,
      name: input.name,
      role: input.role,
      prefix: secret.slice(0, 10),
      keyHash: hashToken(secret),
      createdBy,
    })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'api_key',
    entityId: key.id,
    message: `API key "${key.name}" created with role ${key.role}`,
    after: apiKeyView(key),
  });
  return { key, secret };
}

export async function listApiKeys(t: TenantTx) {
  return t.tx.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(t: TenantTx, id: string) {
  const [key] = await t.tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  if (!key) {
    const [revoked] = await t.tx.select().from(apiKeys).where(eq(apiKeys.id, id));
    if (!revoked) throw notFound('API key');
    return revoked;
  }
  t.publish(authInvalidation(t.orgId, { apiKeyId: key.id }));
  await audit(t, {
    action: 'revoke',
    entityType: 'api_key',
    entityId: key.id,
    message: `API key "${key.name}" revoked`,
  });
  return key;
}

/**
 * Resolves an org API key (`rk_…`); unknown keys count against the caller's address. A key acts
 * with the lower of its own role and its creator's current one, and stops working once its creator
 * leaves the org or is deactivated: it can never do what its creator no longer may.
 */
export async function authenticateApiKey(
  db: Db,
  rateLimiter: RateLimiter,
  token: string,
  ip: string,
): Promise<Actor | null> {
  if (!token.startsWith('rk_')) return null;
  const gateKey = `apikey:${ip}`;
  const [row] = await db
    .select({ key: apiKeys, creatorRole: memberships.role, creatorActive: users.isActive })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .leftJoin(
      memberships,
      and(
        eq(memberships.orgId, apiKeys.orgId),
        eq(memberships.userId, apiKeys.createdBy),
        eq(memberships.isActive, true),
      ),
    )
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(
      and(eq(apiKeys.keyHash, hashToken(token)), isNull(apiKeys.revokedAt), eq(organizations.isActive, true)),
    );
  if (!row) {
    const gate = await rateLimiter.hit(gateKey, KEY_ATTEMPT_LIMIT.attempts, KEY_ATTEMPT_LIMIT.windowSeconds);
    await db.insert(securityLog).values({ event: 'api_key.rejected', ip, detail: token.slice(0, 10) });
    if (!gate.allowed)
      throw tooManyRequests('Too many invalid API keys from this address', gate.retryAfterSeconds);
    return null;
  }
  const { key } = row;
  // Keys made by the platform itself (no creator) keep their role.
  let role: Actor['orgRole'] = key.role;
  if (key.createdBy !== null) {
    if (row.creatorRole === null || row.creatorActive !== true) return null;
    role = lowerRole(key.role, row.creatorRole);
  }
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(sql`${apiKeys.orgId} = ${key.orgId} and ${apiKeys.id} = ${key.id}`);
  }
  return {
    userId: null,
    label: `api-key:${key.name}`,
    orgId: key.orgId,
    orgRole: role,
    via: 'api_key',
    apiKeyId: key.id,
  };
}
