import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { sameOrgReference, tenantIsolation, timestamps } from '../../core/db/columns.ts';
import { assignmentColumns } from '../../core/access/assignment.ts';
import { memberships, orgIdColumn } from '../../core/db/platform-schema.ts';

/**
 * Integer ids throughout this module: its API addresses units, departments and sections as
 * `unit_id: 5`, `department_ids: [10, 11]`. One identity sequence per table, so ids are also
 * unique across orgs and never reveal a neighbour's row by collision.
 */
const intIdColumn = () => bigint('id', { mode: 'number' }).generatedByDefaultAsIdentity();

/** The four roles of the org module. `Admin` is backed by an owner/admin membership. */
export const ORG_USER_ROLES = ['Admin', 'Unit Head', 'Section Head', 'User'] as const;
export type OrgUserRole = (typeof ORG_USER_ROLES)[number];

/** A plant or site (Mumbai Plant, MUM). Soft-deleted with is_active. */
export const units = pgTable(
  'units',
  {
    orgId: orgIdColumn(),
    id: intIdColumn(),
    unitName: text('unit_name').notNull(),
    unitCode: text('unit_code').notNull(),
    location: text('location'),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('units_code_unique').on(t.orgId, t.unitCode),
    tenantIsolation('units'),
  ],
);

/**
 * A department of one unit. Soft-deleted only: removing the row would silently widen every
 * assignment that listed it as its only department into "all departments".
 */
export const departments = pgTable(
  'departments',
  {
    orgId: orgIdColumn(),
    id: intIdColumn(),
    unitId: bigint('unit_id', { mode: 'number' }).notNull(),
    departmentName: text('department_name').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.unitId], [units.orgId, units.id]).onDelete('cascade'),
    unique('departments_name_unique').on(t.orgId, t.unitId, t.departmentName),
    // Target of user_unit_departments' FK: the database itself refuses a department of another unit.
    unique('departments_unit_id_unique').on(t.orgId, t.unitId, t.id),
    tenantIsolation('departments'),
  ],
);

/** The legacy `section` of a user, kept so existing clients can still read and set it. */
export const sections = pgTable(
  'sections',
  {
    orgId: orgIdColumn(),
    id: intIdColumn(),
    sectionName: text('section_name').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('sections_name_unique').on(t.orgId, t.sectionName),
    tenantIsolation('sections'),
  ],
);

/**
 * Each member's org-module role plus the legacy single `unit` / `section`. Keyed by the
 * membership: leaving the org removes it. Access never comes from the legacy unit — only from
 * user_units.
 */
export const orgUserProfiles = pgTable(
  'org_user_profiles',
  {
    orgId: orgIdColumn(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    role: text('role', { enum: ORG_USER_ROLES }).notNull().default('User'),
    unitId: bigint('unit_id', { mode: 'number' }),
    sectionId: bigint('section_id', { mode: 'number' }),
    ...timestamps(),
    /** How the person is presented in the org (job title, what they do), shown beside their name. */
    title: text('title').notNull().default(''),
    roleDescription: text('role_description').notNull().default(''),
    /** Width of the screen the person works on, so screens can lay out for it; null = not known. */
    displayWidthPx: integer('display_width_px'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    sameOrgReference([t.orgId, t.userId], [memberships.orgId, memberships.userId]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.unitId], [units.orgId, units.id]),
    sameOrgReference([t.orgId, t.sectionId], [sections.orgId, sections.id]),
    tenantIsolation('org_user_profiles'),
  ],
);

/** A user's unit assignment: one row per (user, unit); its departments are in user_unit_departments. */
// The role lives on the user (org_user_profiles), not on each unit assignment: every column but it.
const { startsAt, endsAt, isActive, assignedBy, assignedAt, updatedAt } = assignmentColumns();

export const userUnits = pgTable(
  'user_units',
  {
    orgId: orgIdColumn(),
    id: intIdColumn(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    unitId: bigint('unit_id', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startsAt,
    endsAt,
    isActive,
    assignedBy,
    assignedAt,
    updatedAt,
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    sameOrgReference([t.orgId, t.userId], [memberships.orgId, memberships.userId]).onDelete('cascade'),
    sameOrgReference([t.orgId, t.unitId], [units.orgId, units.id]).onDelete('cascade'),
    unique('user_units_user_unit_unique').on(t.orgId, t.userId, t.unitId),
    unique('user_units_id_unit_unique').on(t.orgId, t.id, t.unitId),
    index('user_units_unit_idx').on(t.orgId, t.unitId),
    tenantIsolation('user_units'),
  ],
);

/**
 * Departments of one assignment. No rows means all departments of the unit. unit_id
 * is repeated so both FKs can insist the department belongs to the assignment's unit.
 */
export const userUnitDepartments = pgTable(
  'user_unit_departments',
  {
    orgId: orgIdColumn(),
    userUnitId: bigint('user_unit_id', { mode: 'number' }).notNull(),
    unitId: bigint('unit_id', { mode: 'number' }).notNull(),
    departmentId: bigint('department_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userUnitId, t.departmentId] }),
    sameOrgReference(
      [t.orgId, t.userUnitId, t.unitId],
      [userUnits.orgId, userUnits.id, userUnits.unitId],
    ).onDelete('cascade'),
    sameOrgReference(
      [t.orgId, t.unitId, t.departmentId],
      [departments.orgId, departments.unitId, departments.id],
    ).onDelete('cascade'),
    index('user_unit_departments_department_idx').on(t.orgId, t.departmentId),
    tenantIsolation('user_unit_departments'),
  ],
);

export type Unit = typeof units.$inferSelect;
export type Department = typeof departments.$inferSelect;
export type Section = typeof sections.$inferSelect;
