import { bigint, index, inet, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { idColumn, tenantIsolation } from '../../core/db/columns.ts';
import { users, orgIdColumn } from '../../core/db/platform-schema.ts';

/**
 * Login sessions. Platform table: read by the authentication step before any tenant is known, so
 * RLS is on with no policy for the app role — only the owner connection touches it.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: idColumn().primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: orgIdColumn(),
    ip: inet('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
).enableRLS();

export const apiKeys = pgTable(
  'api_keys',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    /** First characters of the key, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    role: text('role', { enum: ['admin', 'member', 'viewer'] }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  // Not unique: unique constraints must include org_id (Citus); a 256-bit hash does not collide.
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('api_keys_hash_idx').on(t.keyHash),
    tenantIsolation('api_keys'),
  ],
);

/** Failed logins and key attempts, before any org is known (platform security log). */
export const securityLog = pgTable(
  'security_log',
  {
    id: idColumn().primaryKey(),
    event: text('event').notNull(),
    username: text('username'),
    userId: bigint('user_id', { mode: 'number' }),
    ip: inet('ip'),
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('security_log_created_idx').on(t.createdAt)],
).enableRLS();

/**
 * An org asks a user who already has an account to join it; the user accepts or declines while
 * logged in. The org sees only what it typed (`login`) and the role it offered: the account the
 * login names (`invitedUserId`, resolved when inviting, null when none) stays hidden until the user
 * accepts, so inviting can tell nobody which usernames or emails exist.
 */
export const invitations = pgTable(
  'invitations',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    login: text('login').notNull(),
    invitedUserId: bigint('invited_user_id', { mode: 'number' }).references(() => users.id, {
      onDelete: 'cascade',
    }),
    role: text('role', { enum: ['owner', 'admin', 'member', 'viewer'] }).notNull(),
    invitedBy: bigint('invited_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    declinedAt: timestamp('declined_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('invitations_user_idx').on(t.invitedUserId),
    tenantIsolation('invitations'),
  ],
);
