import { mapPage } from '../../core/http/pagination.ts';
import { z } from 'zod';
import { requireWriter } from '../../core/access/actor.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { idParams, name, refQuery, tags, UPDATE_METHODS } from './inputs.ts';
import { createSection, getSection, listSections, updateSection } from './service.ts';
import { listOf, sectionOut, sectionView } from './views.ts';

export function registerSectionRoutes(app: RosterApp) {
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
      const result = await tenant(req, (t) =>
        listSections(t, { q, includeInactive: include_inactive, page }),
      );
      return mapPage(result, sectionView);
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
      return reply.code(201).send(sectionView(section));
    },
  );

  app.get(
    '/api/auth/sections/:id',
    { schema: { tags, summary: 'One section', params: idParams, response: { 200: sectionOut } } },
    async (req) => sectionView(await tenant(req, (t) => getSection(t, req.params.id))),
  );

  const sectionPatch = z.strictObject({ section_name: name.optional(), is_active: z.boolean().optional() });
  for (const method of UPDATE_METHODS) {
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
        const patch = definedOnly({ sectionName: req.body.section_name, isActive: req.body.is_active });
        return sectionView(await tenant(req, (t) => updateSection(t, req.params.id, patch)));
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
