import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  inet,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { appRole, currentOrg, currentUser, idColumn, tenantIsolation, timestamps } from './columns.ts';

/**
 * The platform tables every module references: the tenant itself, the people, who belongs where,
 * and the audit trail. They live in core because a module may depend on core only.
 */
export const organizations = pgTable(
  'organizations',
  {
    id: idColumn().primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique(),
    domain: text('domain').unique(),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  () => [
    pgPolicy('organizations_current_only', {
      for: 'select',
      to: appRole,
      using: sql`id = ${currentOrg}`,
    }),
    pgPolicy('organizations_update_current', {
      for: 'update',
      to: appRole,
      using: sql`id = ${currentOrg}`,
    }),
  ],
);

/**
 * Users are global (one login, several orgs). Integer ids because the users API addresses users
 * as `/api/auth/users/42/`. A tenant transaction sees a user only through a membership of its org.
 */
/** The `org_id` column of every tenant table: NOT NULL, and the org's rows go when the org goes. */
export const orgIdColumn = () =>
  uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    username: text('username').notNull().unique(),
    email: text('email').unique(),
    fullName: text('full_name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    lastLogin: timestamp('last_login', { withTimezone: true }),
    lastLoginIp: inet('last_login_ip'),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /**
     * The org that created the account. Its admins (and the user) alone may change the identity
     * fields — username, email, full name, password; another org the user joined may not.
     */
    managingOrgId: uuid('managing_org_id').references(() => organizations.id, { onDelete: 'set null' }),
    ...timestamps(),
  },
  () => {
    const member = sql`(id = ${currentUser} or exists (
      select 1 from memberships m where m.user_id = users.id and m.org_id = ${currentOrg}))`;
    return [
      pgPolicy('users_visible_through_membership', { for: 'select', to: appRole, using: member }),
      pgPolicy('users_update_through_membership', { for: 'update', to: appRole, using: member }),
      // A new user has no membership yet; the creating service adds one in the same transaction.
      pgPolicy('users_insert', { for: 'insert', to: appRole, withCheck: sql`true` }),
    ];
  },
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: orgIdColumn(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'member', 'viewer'] })
      .notNull()
      .default('member'),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
    tenantIsolation('memberships'),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    orgId: orgIdColumn(),
    id: idColumn(),
    actorUserId: bigint('actor_user_id', { mode: 'number' }),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    message: text('message').notNull(),
    diff: jsonb('diff').$type<Record<string, { before: unknown; after: unknown }>>(),
    requestId: text('request_id'),
    ip: inet('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('audit_log_entity_idx').on(t.orgId, t.entityType, t.entityId),
    index('audit_log_actor_idx').on(t.orgId, t.actorUserId),
    index('audit_log_created_idx').on(t.orgId, t.createdAt),
    tenantIsolation('audit_log'),
  ],
);
