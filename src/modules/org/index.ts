import type { RosterModule } from '../../core/http/app.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { registerOrgRoutes } from './routes.ts';
import { createDepartment, createSection, createUnit } from './service.ts';
import { createOrgUser, updateOrgUser } from './user-service.ts';

export { unitScope } from './scope.ts';

/** The demo organization's plants and their departments. */
const PLANTS = [
  {
    unitName: 'Mumbai Plant',
    unitCode: 'MUM',
    location: 'Mumbai',
    departments: ['QC', 'Production', 'R&D', 'Regulatory'],
  },
  { unitName: 'Pune Plant', unitCode: 'PUN', location: 'Pune', departments: ['QA', 'QC', 'Production'] },
  { unitName: 'Bangalore Plant', unitCode: 'BLR', location: 'Bangalore', departments: ['QC', 'Packaging'] },
];

async function seedDemo(t: TenantTx, users: Record<string, number>) {
  const dept: Record<string, Record<string, number>> = {};
  const unit: Record<string, number> = {};
  for (const p of PLANTS) {
    const u = await createUnit(t, p);
    unit[p.unitCode] = u.id;
    dept[p.unitCode] = {};
    for (const name of p.departments)
      dept[p.unitCode][name] = (await createDepartment(t, { unitId: u.id, departmentName: name })).id;
  }
  const qualityControl = await createSection(t, { sectionName: 'Quality Control' });
  await createSection(t, { sectionName: 'Production' });

  await updateOrgUser(t, users.admin, { role: 'Admin' });
  await updateOrgUser(t, users['plant.user'], {
    role: 'User',
    unitId: unit.MUM,
    sectionId: qualityControl.id,
    assignments: [
      { unitId: unit.MUM, departmentIds: [dept.MUM.QC, dept.MUM.Production] },
      { unitId: unit.PUN, departmentIds: [dept.PUN.QA] },
    ],
  });
  // Three typical assignments: QC across plants, one whole plant, a whole plant plus two departments of
  // another. Their temporary passwords nobody knows: they exist to be seen in the console; an admin
  // resets them to log in as them.
  await createOrgUser(t, {
    username: 'quality.manager',
    fullName: 'Quality Manager',
    role: 'Section Head',
    assignments: [
      { unitId: unit.MUM, departmentIds: [dept.MUM.QC] },
      { unitId: unit.PUN, departmentIds: [dept.PUN.QC] },
      { unitId: unit.BLR, departmentIds: [dept.BLR.QC] },
    ],
  });
  await createOrgUser(t, {
    username: 'plant.manager',
    fullName: 'Plant Manager',
    role: 'Unit Head',
    unitId: unit.MUM,
    assignments: [{ unitId: unit.MUM, departmentIds: [] }],
  });
  await createOrgUser(t, {
    username: 'crossfunctional.lead',
    fullName: 'Cross-functional Lead',
    role: 'User',
    assignments: [
      { unitId: unit.MUM, departmentIds: [] },
      { unitId: unit.PUN, departmentIds: [dept.PUN.QC, dept.PUN.Production] },
    ],
  });
}

/** Units, departments, sections and multi-unit user assignments, under /api/auth/. */
export const orgModule: RosterModule = {
  name: 'org',
  register(app) {
    registerOrgRoutes(app);
  },
  seedDemo,
};
