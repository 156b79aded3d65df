import { mapPage } from '../../core/http/pagination.ts';
import { z } from 'zod';
import { requireWriter } from '../../core/access/actor.ts';
import { bodyIntId, intId } from '../../core/db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { idParams, name, refQuery, tags, UPDATE_METHODS } from './inputs.ts';
import { createDepartment, getDepartment, listDepartments, updateDepartment } from './service.ts';
import { departmentOut, departmentView, listOf } from './views.ts';

export function registerDepartmentRoutes(app: RosterApp) {
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
      const result = await tenant(req, (t) =>
        listDepartments(t, { q, assigned, includeInactive: include_inactive, unitId: unit, page }),
      );
      return mapPage(result, departmentView);
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
      const input = { unitId: req.body.unit_id, departmentName: req.body.department_name };
      const department = await tenant(req, (t) => createDepartment(t, input));
      return reply.code(201).send(departmentView(department));
    },
  );

  app.get(
    '/api/auth/departments/:id',
    { schema: { tags, summary: 'One department', params: idParams, response: { 200: departmentOut } } },
    async (req) => departmentView(await tenant(req, (t) => getDepartment(t, req.params.id))),
  );

  const departmentPatch = z.strictObject({
    department_name: name.optional(),
    is_active: z.boolean().optional(),
  });
  for (const method of UPDATE_METHODS) {
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
        const patch = definedOnly({ departmentName: req.body.department_name, isActive: req.body.is_active });
        return departmentView(await tenant(req, (t) => updateDepartment(t, req.params.id, patch)));
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
}
