import type { z } from 'zod';
import type { TenantTx } from '../../../core/db/tenant.ts';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { mapPage, pageOf } from '../../../core/http/pagination.ts';
import { listAssignmentsOf, type AssignmentFilter } from '../assignments.ts';
import { assignmentOut, assignmentView } from '../views.ts';
import { assignmentListQuery, base, idParams, tags } from './common.ts';

/**
 * The routes every inventory resource has, in this order: create, read one, change (only the given
 * fields), and delete. `path` is the collection (`locations`); the row's view answers each.
 */
export function registerResourceRoutes<Row, Create extends z.ZodType, Patch extends z.ZodType>(
  app: RosterApp,
  r: {
    path: string;
    out: z.ZodType;
    view: (row: Row) => unknown;
    create: { summary: string; body: Create; run: (t: TenantTx, body: z.infer<Create>) => Promise<Row> };
    get: { summary: string; run: (t: TenantTx, id: string) => Promise<Row> };
    update: {
      summary: string;
      body: Patch;
      run: (t: TenantTx, id: string, body: z.infer<Patch>) => Promise<Row>;
    };
    remove?: { summary: string; run: (t: TenantTx, id: string) => Promise<void> };
  },
) {
  const { out, view } = r;
  app.post(
    `${base}/${r.path}`,
    { schema: { tags, summary: r.create.summary, body: r.create.body, response: { 201: out } } },
    async (req, reply) => {
      const row = await tenant(req, (t) => r.create.run(t, req.body as z.infer<Create>));
      return reply.code(201).send(view(row));
    },
  );
  app.get(
    `${base}/${r.path}/:id`,
    { schema: { tags, summary: r.get.summary, params: idParams, response: { 200: out } } },
    (req) => tenant(req, async (t) => view(await r.get.run(t, req.params.id))),
  );
  app.patch(
    `${base}/${r.path}/:id`,
    {
      schema: {
        tags,
        summary: r.update.summary,
        params: idParams,
        body: r.update.body,
        response: { 200: out },
      },
    },
    (req) => tenant(req, async (t) => view(await r.update.run(t, req.params.id, req.body as z.infer<Patch>))),
  );
  const remove = r.remove;
  if (remove)
    app.delete(
      `${base}/${r.path}/:id`,
      { schema: { tags, summary: remove.summary, params: idParams } },
      async (req, reply) => {
        await tenant(req, (t) => remove.run(t, req.params.id));
        return reply.code(204).send();
      },
    );
}

/**
 * `GET /<path>/:id/assignments`: the active assignments of one group, unit or performer, a page at a
 * time, optionally only those changed at or after `updated_after`.
 */
export function registerAssignmentsOf(
  app: RosterApp,
  path: string,
  summary: string,
  scope: (id: string) => AssignmentFilter,
) {
  app.get(
    `${base}/${path}/:id/assignments`,
    {
      schema: {
        tags,
        summary,
        params: idParams,
        querystring: assignmentListQuery,
        response: { 200: pageOf(assignmentOut) },
      },
    },
    (req) => {
      const { updated_after: after, ...page } = req.query;
      return tenant(req, async (t) =>
        mapPage(await listAssignmentsOf(t, { ...scope(req.params.id), after }, page), assignmentView),
      );
    },
  );
}
