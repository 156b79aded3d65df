import { z } from 'zod';
import { requireWriter } from '../../core/access/actor.ts';
import { bodyIntId, intId } from '../../core/db/ids.ts';
import { actorOf, tenant, type RosterApp } from '../../core/http/app.ts';
import { pageQuery } from '../../core/http/pagination.ts';
import { forbidden } from '../../core/http/problem.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { idParams, tags, UPDATE_METHODS } from './inputs.ts';
import { ORG_USER_ROLES } from './schema.ts';
import {
  createOrgUser,
  getOrgUser,
  listOrgUsers,
  updateOrgUser,
  updateOwnProfile,
  type NewOrgUser,
} from './user-service.ts';
import { listOf, orgUserOut, orgUserView } from './views.ts';

const role = z.enum(ORG_USER_ROLES);

/** Write-only: replaces the user's assignments; `department_ids` left out means all departments. */
const unitAssignmentsData = z
  .array(z.strictObject({ unit_id: bodyIntId, department_ids: z.array(bodyIntId).max(500).default([]) }))
  .max(500);

const username = z.string().trim().min(1).max(150);
const email = z.email().max(254).nullable().optional();
const fullName = z.string().max(200).optional();
/** How the person is presented; they grant nothing, so the person may change them too (`me/profile`). */
const profileBody = {
  title: z.string().trim().max(200).optional(),
  role_description: z.string().trim().max(2000).optional(),
  display_width_px: z.number().int().min(320).max(16_384).nullable().optional(),
};
/** Legacy single unit / section ids. */
const legacyRef = bodyIntId.nullable().optional();

const newUserBody = z.strictObject({
  username,
  email,
  full_name: fullName,
  role: role.default('User'),
  unit: legacyRef,
  section: legacyRef,
  unit_assignments_data: unitAssignmentsData.optional(),
  ...profileBody,
});
const userPatchBody = z.strictObject({
  username: username.optional(),
  email,
  full_name: fullName,
  role: role.optional(),
  unit: legacyRef,
  section: legacyRef,
  is_active: z.boolean().optional(),
  unit_assignments_data: unitAssignmentsData.optional(),
  ...profileBody,
});

/** The fields both bodies share, in the service's words. */
function userInput(b: z.infer<typeof userPatchBody>): Partial<NewOrgUser> {
  return {
    username: b.username,
    email: b.email,
    fullName: b.full_name,
    role: b.role,
    unitId: b.unit,
    sectionId: b.section,
    ...profileInput(b),
    assignments: b.unit_assignments_data?.map((a) => ({
      unitId: a.unit_id,
      departmentIds: a.department_ids,
    })),
  };
}

function profileInput(b: { title?: string; role_description?: string; display_width_px?: number | null }) {
  return { title: b.title, roleDescription: b.role_description, displayWidthPx: b.display_width_px };
}

export function registerUserRoutes(app: RosterApp) {
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
        response: { 200: listOf(orgUserOut) },
      },
    },
    async (req) => {
      const { unit, department, role: r, q, ...page } = req.query;
      const filter = { unitId: unit, departmentId: department, role: r, q, page };
      const result = await tenant(req, (t) => listOrgUsers(t, filter));
      return { ...result, items: result.items.map(orgUserView) };
    },
  );

  app.post(
    '/api/auth/users',
    {
      schema: {
        tags,
        summary:
          'Create a user with unit assignments; returns a temporary password once (Admins, Unit Heads)',
        body: newUserBody,
        response: { 201: orgUserOut.extend({ temporary_password: z.string(), message: z.string() }) },
      },
    },
    async (req, reply) => {
      requireWriter(actorOf(req));
      const input = { ...userInput(req.body), username: req.body.username, role: req.body.role };
      const { user, temporaryPassword } = await tenant(req, (t) => createOrgUser(t, input));
      return reply.code(201).send({
        ...orgUserView(user),
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
        response: { 200: orgUserOut },
      },
    },
    async (req) => {
      return orgUserView(await tenant(req, (t) => getOrgUser(t, req.params.id)));
    },
  );

  app.get(
    '/api/auth/me/profile',
    {
      schema: {
        tags,
        summary: 'My user record in this organization, with title, role description and screen width',
        response: { 200: orgUserOut },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      if (actor.userId === null) throw forbidden('Only a person has a profile');
      const id = actor.userId;
      return orgUserView(await tenant(req, (t) => getOrgUser(t, id)));
    },
  );
  app.patch(
    '/api/auth/me/profile',
    {
      schema: {
        tags,
        summary: 'Change my title, role description or screen width (only the given fields)',
        body: z.strictObject(profileBody),
        response: { 200: orgUserOut },
      },
    },
    async (req) =>
      orgUserView(await tenant(req, (t) => updateOwnProfile(t, definedOnly(profileInput(req.body))))),
  );

  for (const method of UPDATE_METHODS) {
    app.route({
      method,
      url: '/api/auth/users/:id',
      schema: {
        tags,
        summary:
          'Update a user; unit_assignments_data replaces all assignments ([] removes them, omitted leaves them)',
        params: idParams,
        body: userPatchBody,
        response: { 200: orgUserOut },
      },
      handler: async (req) => {
        requireWriter(actorOf(req));
        const patch = definedOnly({ ...userInput(req.body), isActive: req.body.is_active });
        return orgUserView(await tenant(req, (t) => updateOrgUser(t, req.params.id, patch)));
      },
    });
  }
}
