import { z } from 'zod';
import { requireWriter } from '../../core/access/actor.ts';
import { bodyIntId, intId } from '../../core/db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { pageQuery } from '../../core/http/pagination.ts';
import { ORG_USER_ROLES } from './schema.ts';
import {
  createDepartment,
  createSection,
  createUnit,
  getDepartment,
  getSection,
  getUnit,
  listDepartments,
  listSections,
  listUnits,
  publicDepartment,
  publicSection,
  publicUnit,
  updateDepartment,
  updateSection,
  updateUnit,
} from './service.ts';
import {
  createOrgUser,
  getOrgUser,
  listOrgUsers,
  updateOrgUser,
  type UnitAssignmentInput,
} from './user-service.ts';

const role = z.enum(ORG_USER_ROLES);
const unitRef = z.object({ id: z.number(), unit_name: z.string(), unit_code: z.string() });
const userOut = z.object({
  id: z.number(),
  username: z.string(),
  email: z.string().nullable(),
  full_name: z.string(),
  role,
  is_active: z.boolean(),
  must_change_password: z.boolean(),
  unit: unitRef.nullable(),
  section: z.object({ id: z.number(), section_name: z.string() }).nullable(),
  unit_assignments: z.array(
    z.object({
      id: z.number(),
      unit: unitRef,
      departments: z.array(z.object({ id: z.number(), department_name: z.string() })),
    }),
  ),
});
const unitOut = z.object({
  id: z.number(),
  unit_name: z.string(),
  unit_code: z.string(),
  location: z.string().nullable(),
  is_active: z.boolean(),
});
const departmentOut = z.object({
  id: z.number(),
  unit_id: z.number(),
  department_name: z.string(),
  is_active: z.boolean(),
});
const sectionOut = z.object({ id: z.number(), section_name: z.string(), is_active: z.boolean() });
const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable(), count: z.number().optional() });

/** Seed 002's write-only field; `department_ids` may be omitted, which means all departments. */
const unitAssignmentsData = z
  .array(z.strictObject({ unit_id: bodyIntId, department_ids: z.array(bodyIntId).max(500).default([]) }))
  .max(500);
const toAssignments = (
  data: z.infer<typeof unitAssignmentsData> | undefined,
): UnitAssignmentInput[] | undefined =>
  data?.map((a) => ({ unitId: a.unit_id, departmentIds: a.department_ids }));

const name = z.string().trim().min(1).max(200);
const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
const refQuery = pageQuery.extend({
  q: z.string().max(100).optional(),
  assigned: flag,
  include_inactive: flag,
});
const idParams = z.object({ id: intId });

export function registerOrgRoutes(app: RosterApp) {
  const tags = ['org'];

  // ------------------------------------------------------------ users (seed 002)

  app.get(
    '/api/auth/users',
    {
      schema: {
        tags,
        summary: 'Users in my scope with their unit assignments (filter by unit, department, role; search q)',
        querystring: pageQuery.extend({
          unit: intId.optional(),
          department: intId.optional(),
          role: role.optional(),
          q: z.string().max(100).optional(),
        }),
        response: { 200: listOf(userOut) },
      },
    },
    async (req) => {
      const { unit, department, role: r, q, ...page } = req.query;
      return tenant(req, (t) =>
        listOrgUsers(t, { unitId: unit, departmentId: department, role: r, q, page }),
      );
    },
  );

  app.post(
    '/api/auth/users',
    {
      schema: {
        tags,
        summary:
          'Create a user with unit assignments; returns a temporary password once (Admins, Unit Heads)',
        body: z.strictObject({
          username: z.string().trim().min(1).max(150),
          email: z.email().max(254).nullable().optional(),
          full_name: z.string().max(200).optional(),
          role: role.default('User'),
          unit: bodyIntId.nullable().optional(),
          section: bodyIntId.nullable().optional(),
          unit_assignments_data: unitAssignmentsData.optional(),
        }),
        response: { 201: userOut.extend({ temporary_password: z.string(), message: z.string() }) },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      const b = req.body;
      const { user, temporaryPassword } = await tenant(req, (t) =>
        createOrgUser(t, {
          username: b.username,
          email: b.email,
          fullName: b.full_name,
          role: b.role,
          unitId: b.unit,
          sectionId: b.section,
          assignments: toAssignments(b.unit_assignments_data),
        }),
      );
      return reply
        .code(201)
        .send({
          ...user,
          temporary_password: temporaryPassword,
          message: 'User created successfully. Temporary password generated.',
        });
    },
  );

  app.get(
    '/api/auth/users/:id',
    {
      schema: {
        tags,
        summary: 'One user with unit assignments',
        params: idParams,
        response: { 200: userOut },
      },
    },
    async (req) => tenant(req, (t) => getOrgUser(t, req.params.id)),
  );

  const userPatch = z.strictObject({
    username: z.string().trim().min(1).max(150).optional(),
    email: z.email().max(254).nullable().optional(),
    full_name: z.string().max(200).optional(),
    role: role.optional(),
    unit: bodyIntId.nullable().optional(),
    section: bodyIntId.nullable().optional(),
    is_active: z.boolean().optional(),
    unit_assignments_data: unitAssignmentsData.optional(),
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/auth/users/:id',
      schema: {
        tags,
        summary:
          'Update a user; unit_assignments_data replaces all assignments ([] removes them, omitted leaves them)',
        params: idParams,
        body: userPatch,
        response: { 200: userOut },
      },
      handler: async (req) => {
        requireWriter(actorOf(req));
        const b = req.body;
        return tenant(req, (t) =>
          updateOrgUser(t, req.params.id, {
            username: b.username,
            email: b.email,
            fullName: b.full_name,
            role: b.role,
            unitId: b.unit,
            sectionId: b.section,
            isActive: b.is_active,
            assignments: toAssignments(b.unit_assignments_data),
          }),
        );
      },
    });
  }

  // ------------------------------------------------------------ units

  app.get(
    '/api/auth/units',
    {
      schema: {
        tags,
        summary: 'Units (everyone; assigned=true for mine)',
        querystring: refQuery,
        response: { 200: listOf(unitOut) },
      },
    },
    async (req) => {
      const { q, assigned, include_inactive, ...page } = req.query;
      return tenant(req, async (t) => {
        const result = await listUnits(t, { q, assigned, includeInactive: include_inactive, page });
        return { items: result.items.map(publicUnit), next_cursor: result.next_cursor };
      });
    },
  );

  app.post(
    '/api/auth/units',
    {
      schema: {
        tags,
        summary: 'Create a unit (Admins)',
        body: z.strictObject({
          unit_name: name,
          unit_code: z.string().trim().min(1).max(20),
          location: z.string().max(200).nullable().optional(),
        }),
        response: { 201: unitOut },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      const unit = await tenant(req, (t) =>
        createUnit(t, {
          unitName: req.body.unit_name,
          unitCode: req.body.unit_code,
          location: req.body.location,
        }),
      );
      return reply.code(201).send(publicUnit(unit));
    },
  );

  app.get(
    '/api/auth/units/:id',
    { schema: { tags, summary: 'One unit', params: idParams, response: { 200: unitOut } } },
    async (req) => tenant(req, async (t) => publicUnit(await getUnit(t, req.params.id))),
  );

  const unitPatch = z.strictObject({
    unit_name: name.optional(),
    unit_code: z.string().trim().min(1).max(20).optional(),
    location: z.string().max(200).nullable().optional(),
    is_active: z.boolean().optional(),
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/auth/units/:id',
      schema: {
        tags,
        summary: 'Update a unit (Admins)',
        params: idParams,
        body: unitPatch,
        response: { 200: unitOut },
      },
      handler: async (req) => {
        requireWriter(actorOf(req));
        const b = req.body;
        return tenant(req, async (t) =>
          publicUnit(
            await updateUnit(t, req.params.id, {
              unitName: b.unit_name,
              unitCode: b.unit_code,
              location: b.location,
              isActive: b.is_active,
            }),
          ),
        );
      },
    });
  }

  app.delete(
    '/api/auth/units/:id',
    { schema: { tags, summary: 'Deactivate a unit (Admins; soft delete)', params: idParams } },
    async (req, reply) => {
      requireWriter(actorOf(req));
      await tenant(req, (t) => updateUnit(t, req.params.id, { isActive: false }));
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------ departments

  app.get(
    '/api/auth/departments',
    {
      schema: {
        tags,
        summary: 'Departments (everyone; filter by unit; assigned=true for mine)',
        querystring: refQuery.extend({ unit: intId.optional() }),
        response: { 200: listOf(departmentOut) },
      },
    },
    async (req) => {
      const { q, assigned, include_inactive, unit, ...page } = req.query;
      return tenant(req, async (t) => {
        const result = await listDepartments(t, {
          q,
          assigned,
          includeInactive: include_inactive,
          unitId: unit,
          page,
        });
        return { items: result.items.map(publicDepartment), next_cursor: result.next_cursor };
      });
    },
  );

  app.post(
    '/api/auth/departments',
    {
      schema: {
        tags,
        summary: 'Create a department in a unit (Admins; Unit Heads in their units)',
        body: z.strictObject({ unit_id: bodyIntId, department_name: name }),
        response: { 201: departmentOut },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      const department = await tenant(req, (t) =>
        createDepartment(t, { unitId: req.body.unit_id, departmentName: req.body.department_name }),
      );
      return reply.code(201).send(publicDepartment(department));
    },
  );

  app.get(
    '/api/auth/departments/:id',
    { schema: { tags, summary: 'One department', params: idParams, response: { 200: departmentOut } } },
    async (req) => tenant(req, async (t) => publicDepartment(await getDepartment(t, req.params.id))),
  );

  const departmentPatch = z.strictObject({
    department_name: name.optional(),
    is_active: z.boolean().optional(),
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/auth/departments/:id',
      schema: {
        tags,
        summary: 'Rename or (de)activate a department (Admins; Unit Heads in their units)',
        params: idParams,
        body: departmentPatch,
        response: { 200: departmentOut },
      },
      handler: async (req) => {
        requireWriter(actorOf(req));
        return tenant(req, async (t) =>
          publicDepartment(
            await updateDepartment(t, req.params.id, {
              departmentName: req.body.department_name,
              isActive: req.body.is_active,
            }),
          ),
        );
      },
    });
  }

  app.delete(
    '/api/auth/departments/:id',
    { schema: { tags, summary: 'Deactivate a department (soft delete)', params: idParams } },
    async (req, reply) => {
      requireWriter(actorOf(req));
      await tenant(req, (t) => updateDepartment(t, req.params.id, { isActive: false }));
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------ sections

  app.get(
    '/api/auth/sections',
    {
      schema: {
        tags,
        summary: 'Sections (everyone)',
        querystring: refQuery.omit({ assigned: true }),
        response: { 200: listOf(sectionOut) },
      },
    },
    async (req) => {
      const { q, include_inactive, ...page } = req.query;
      return tenant(req, async (t) => {
        const result = await listSections(t, { q, includeInactive: include_inactive, page });
        return { items: result.items.map(publicSection), next_cursor: result.next_cursor };
      });
    },
  );

  app.post(
    '/api/auth/sections',
    {
      schema: {
        tags,
        summary: 'Create a section (Admins)',
        body: z.strictObject({ section_name: name }),
        response: { 201: sectionOut },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      const section = await tenant(req, (t) => createSection(t, { sectionName: req.body.section_name }));
      return reply.code(201).send(publicSection(section));
    },
  );

  app.get(
    '/api/auth/sections/:id',
    { schema: { tags, summary: 'One section', params: idParams, response: { 200: sectionOut } } },
    async (req) => tenant(req, async (t) => publicSection(await getSection(t, req.params.id))),
  );

  const sectionPatch = z.strictObject({ section_name: name.optional(), is_active: z.boolean().optional() });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/auth/sections/:id',
      schema: {
        tags,
        summary: 'Rename or (de)activate a section (Admins)',
        params: idParams,
        body: sectionPatch,
        response: { 200: sectionOut },
      },
      handler: async (req) => {
        requireWriter(actorOf(req));
        return tenant(req, async (t) =>
          publicSection(
            await updateSection(t, req.params.id, {
              sectionName: req.body.section_name,
              isActive: req.body.is_active,
            }),
          ),
        );
      },
    });
  }

  app.delete(
    '/api/auth/sections/:id',
    { schema: { tags, summary: 'Deactivate a section (Admins; soft delete)', params: idParams } },
    async (req, reply) => {
      requireWriter(actorOf(req));
      await tenant(req, (t) => updateSection(t, req.params.id, { isActive: false }));
      return reply.code(204).send();
    },
  );
}
