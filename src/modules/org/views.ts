import { z } from 'zod';
import { ORG_USER_ROLES, type Department, type Section, type Unit } from './schema.ts';
import type { OrgUser, UnitRef } from './user-service.ts';

// The org module's wire format: response schemas and the row → JSON mappers, in the field names
// the /api/auth/ clients already use (snake_case, `unit_name`, `department_ids`…).

const unitRefOut = z.object({ id: z.number(), unit_name: z.string(), unit_code: z.string() });

export const orgUserOut = z.object({
  id: z.number(),
  username: z.string(),
  email: z.string().nullable(),
  full_name: z.string(),
  role: z.enum(ORG_USER_ROLES),
  is_active: z.boolean(),
  must_change_password: z.boolean(),
  unit: unitRefOut.nullable(),
  section: z.object({ id: z.number(), section_name: z.string() }).nullable(),
  title: z.string(),
  role_description: z.string(),
  display_width_px: z.number().nullable(),
  unit_assignments: z.array(
    z.object({
      id: z.number(),
      unit: unitRefOut,
      departments: z.array(z.object({ id: z.number(), department_name: z.string() })),
    }),
  ),
});
export const unitOut = z.object({
  id: z.number(),
  unit_name: z.string(),
  unit_code: z.string(),
  location: z.string().nullable(),
  is_active: z.boolean(),
});
export const departmentOut = z.object({
  id: z.number(),
  unit_id: z.number(),
  department_name: z.string(),
  is_active: z.boolean(),
});
export const sectionOut = z.object({ id: z.number(), section_name: z.string(), is_active: z.boolean() });

/** A page of a list; the users list also tells how many match in all. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable(), count: z.number().optional() });

const unitRefView = (u: UnitRef) => ({ id: u.id, unit_name: u.unitName, unit_code: u.unitCode });

export const orgUserView = (u: OrgUser): z.infer<typeof orgUserOut> => ({
  id: u.id,
  username: u.username,
  email: u.email,
  full_name: u.fullName,
  role: u.role,
  is_active: u.isActive,
  must_change_password: u.mustChangePassword,
  unit: u.unit ? unitRefView(u.unit) : null,
  section: u.section ? { id: u.section.id, section_name: u.section.sectionName } : null,
  title: u.title,
  role_description: u.roleDescription,
  display_width_px: u.displayWidthPx,
  unit_assignments: u.assignments.map((a) => ({
    id: a.id,
    unit: unitRefView(a.unit),
    departments: a.departments.map((d) => ({ id: d.id, department_name: d.departmentName })),
  })),
});

export const unitView = (u: Unit): z.infer<typeof unitOut> => ({
  id: u.id,
  unit_name: u.unitName,
  unit_code: u.unitCode,
  location: u.location,
  is_active: u.isActive,
});
export const departmentView = (d: Department): z.infer<typeof departmentOut> => ({
  id: d.id,
  unit_id: d.unitId,
  department_name: d.departmentName,
  is_active: d.isActive,
});
export const sectionView = (s: Section): z.infer<typeof sectionOut> => ({
  id: s.id,
  section_name: s.sectionName,
  is_active: s.isActive,
});
