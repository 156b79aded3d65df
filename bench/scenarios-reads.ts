/**
 * Bench scenarios of the read paths every console page takes: the org's user list (a large
 * directory filtered by unit) and a read authenticated by an API key. Their data is added to the
 * bench org here, so the rest of the bench data stays as it is.
 */
import type { Request } from 'autocannon';
import { systemActor } from '../src/core/access/actor.ts';
import type { Db } from '../src/core/db/client.ts';
import { withTenant } from '../src/core/db/tenant.ts';
import { createOrganization, createUser } from '../src/modules/identity/service.ts';
import { memberships, users } from '../src/core/db/platform-schema.ts';
import {
  departments,
  orgUserProfiles,
  units,
  userUnitDepartments,
  userUnits,
} from '../src/modules/org/schema.ts';
import { call, type ServerProcess } from '../test/support/processes.ts';

export const DIRECTORY = {
  members: 5_000,
  units: 3,
  departmentsPerUnit: 10,
  page: 50,
};

export interface Directory {
  /** The unit the list is filtered by (a third of the members are assigned to it). */
  unitId: number;
  /** The directory's org and its owner's login. */
  org: string;
  admin: string;
}

async function chunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * 5,000 members of an org of their own (the bench org's plan counts members for its screens) in
 * 3 units of 10 departments: each member assigned to one unit, every other one to two of its
 * departments (the rest to the whole unit), as a large venue's staff directory looks. Bulk-inserted as the owner, in one transaction: a tenant transaction could not
 * read back the ids of users it creates before their memberships exist (row-level security on
 * `users`). No audit rows; the password hash is a placeholder, these members never log in.
 */
export async function generateDirectory(db: Db, password: string): Promise<Directory> {
  const org = await createOrganization(db, { name: 'Bench Directory', slug: 'bench-directory' });
  const orgId = org.id;
  const admin = 'directory.admin';
  await withTenant({ db }, systemActor(orgId, 'bench'), (t) =>
    createUser(t, { username: admin, fullName: 'Directory Admin', password, orgRole: 'owner' }),
  );
  return db.transaction(async (tx) => {
    const unitRows = await tx
      .insert(units)
      .values(
        Array.from({ length: DIRECTORY.units }, (_, u) => ({
          orgId,
          unitName: `Unit ${u + 1}`,
          unitCode: `U${u + 1}`,
        })),
      )
      .returning({ id: units.id });
    const deptRows = await tx
      .insert(departments)
      .values(
        unitRows.flatMap((unit) =>
          Array.from({ length: DIRECTORY.departmentsPerUnit }, (_, d) => ({
            orgId,
            unitId: unit.id,
            departmentName: `Department ${d + 1}`,
          })),
        ),
      )
      .returning({ id: departments.id, unitId: departments.unitId });
    const people = Array.from({ length: DIRECTORY.members }, (_, i) => ({
      username: `staff${i}`,
      email: `staff${i}@bench.test`,
      fullName: `Staff Member ${i}`,
      passwordHash: 'bench-no-login',
    }));
    const ids: number[] = [];
    await chunked(people, 1000, async (chunk) => {
      const rows = await tx.insert(users).values(chunk).returning({ id: users.id });
      ids.push(...rows.map((r) => r.id));
    });
    await chunked(ids, 1000, (chunk) =>
      tx.insert(memberships).values(chunk.map((userId) => ({ orgId, userId, role: 'member' as const }))),
    );
    await chunked(ids, 1000, (chunk) =>
      tx.insert(orgUserProfiles).values(chunk.map((userId) => ({ orgId, userId, role: 'User' as const }))),
    );
    const assignments: Array<{ id: number; unitId: number; index: number }> = [];
    await chunked(
      ids.map((userId, index) => ({ userId, index })),
      1000,
      async (chunk) => {
        const rows = await tx
          .insert(userUnits)
          .values(
            chunk.map(({ userId, index }) => ({
              orgId,
              userId,
              unitId: unitRows[index % DIRECTORY.units].id,
            })),
          )
          .returning({ id: userUnits.id, unitId: userUnits.unitId });
        rows.forEach((r, i) => assignments.push({ ...r, index: chunk[i].index }));
      },
    );
    const listed = assignments
      .filter((a) => a.index % 2 === 0)
      .flatMap((a) => {
        const ofUnit = deptRows.filter((d) => d.unitId === a.unitId);
        return [ofUnit[a.index % ofUnit.length], ofUnit[(a.index + 1) % ofUnit.length]].map((d) => ({
          orgId,
          userUnitId: a.id,
          unitId: a.unitId,
          departmentId: d.id,
        }));
      });
    await chunked(listed, 1000, (chunk) => tx.insert(userUnitDepartments).values(chunk));
    return { unitId: unitRows[0].id, org: org.slug, admin };
  });
}

/** A session of the directory's owner. */
export async function directoryLogin(server: ServerProcess, directory: Directory, password: string) {
  const res = await call(server.base, 'POST', '/api/auth/login', {
    body: { username: directory.admin, password, org: directory.org },
  });
  if (res.status !== 200)
    throw new Error(`login ${directory.admin}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** An API key of the admin's, as an integration would hold it. */
export async function apiKeyOf(server: ServerProcess, adminToken: string): Promise<string> {
  const res = await call(server.base, 'POST', '/api/api-keys', {
    token: adminToken,
    body: { name: 'Bench integration', role: 'admin' },
  });
  if (res.status !== 201) throw new Error(`creating an API key: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { key: string }).key;
}

export interface ReadScenario {
  name: string;
  what: string;
  requests: Request[];
  ok: number[];
}

const authorized = (token: string) => ({ authorization: `Bearer ${token}` });

export function readScenarios(
  directory: Directory,
  tokens: { directoryAdmin: string; apiKey: string },
): ReadScenario[] {
  const { members, units: unitCount, departmentsPerUnit, page } = DIRECTORY;
  return [
    {
      name: 'users of a unit',
      what:
        `GET /api/auth/users?unit=…&limit=${page} as the owner of an org of ${members} members ` +
        `in ${unitCount} units × ${departmentsPerUnit} departments`,
      requests: [
        {
          method: 'GET',
          path: `/api/auth/users?unit=${directory.unitId}&limit=${page}`,
          headers: authorized(tokens.directoryAdmin),
        },
      ],
      ok: [200],
    },
    {
      name: 'auth/me by API key',
      what: 'GET /api/auth/me with an API key (the key lookup instead of a session)',
      requests: [{ method: 'GET', path: '/api/auth/me', headers: authorized(tokens.apiKey) }],
      ok: [200],
    },
  ];
}

/** The user list answers the page the scenario means to measure, not a refusal or an empty page. */
export async function checkReads(
  server: ServerProcess,
  directory: Directory,
  tokens: { directoryAdmin: string; apiKey: string },
) {
  const list = await call(
    server.base,
    'GET',
    `/api/auth/users?unit=${directory.unitId}&limit=${DIRECTORY.page}`,
    {
      token: tokens.directoryAdmin,
    },
  );
  const body = list.body as { items?: unknown[]; count?: number };
  if (list.status !== 200 || body.items?.length !== DIRECTORY.page || !body.count)
    throw new Error(`user list: ${list.status} ${JSON.stringify(list.body).slice(0, 300)}`);
  const me = await call(server.base, 'GET', '/api/auth/me', { token: tokens.apiKey });
  if (me.status !== 200)
    throw new Error(`auth/me by API key: ${me.status} ${JSON.stringify(me.body).slice(0, 300)}`);
}
