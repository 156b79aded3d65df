import { mapPage } from '../../core/http/pagination.ts';
import { z } from 'zod';
import { requireWriter } from '../../core/access/actor.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { idParams, name, refQuery, tags, UPDATE_METHODS } from './inputs.ts';
import { createUnit, getUnit, listUnits, updateUnit } from './service.ts';
import { listOf, unitOut, unitView } from './views.ts';

const unitCode = z.string().trim().min(1).max(20);
const location = z.string().max(200).nullable().optional();

export function registerUnitRoutes(app: RosterApp) {
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
      const result = await tenant(req, (t) =>
        listUnits(t, { q, assigned, includeInactive: include_inactive, page }),
      );
      return mapPage(result, unitView);
    },
  );

  app.post(
    '/api/auth/units',
    {
      schema: {
        tags,
        summary: 'Create a unit (Admins)',
        body: z.strictObject({ unit_name: name, unit_code: unitCode, location }),
        response: { 201: unitOut },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      const { unit_name, unit_code, location } = req.body;
      const unit = await tenant(req, (t) =>
        createUnit(t, { unitName: unit_name, unitCode: unit_code, location }),
      );
      return reply.code(201).send(unitView(unit));
    },
  );

  app.get(
    '/api/auth/units/:id',
    { schema: { tags, summary: 'One unit', params: idParams, response: { 200: unitOut } } },
    async (req) => unitView(await tenant(req, (t) => getUnit(t, req.params.id))),
  );

  const unitPatch = z.strictObject({
    unit_name: name.optional(),
    unit_code: unitCode.optional(),
    location,
    is_active: z.boolean().optional(),
  });
  for (const method of UPDATE_METHODS) {
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
        const patch = definedOnly({
          unitName: b.unit_name,
          unitCode: b.unit_code,
          location: b.location,
          isActive: b.is_active,
        });
        return unitView(await tenant(req, (t) => updateUnit(t, req.params.id, patch)));
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
}
