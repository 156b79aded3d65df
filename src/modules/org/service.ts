import { and, eq, ne } from 'drizzle-orm';
import { toSql } from '../../core/access/policy.ts';
import { audit } from '../../core/audit/service.ts';
import { containsText } from '../../core/db/search.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent } from '../../core/events/bus.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { conflict, forbidden, invalidField } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { departmentPolicy, sectionPolicy, unitPolicy } from './policy.ts';
import { departments, sections, units, type Department, type Section, type Unit } from './schema.ts';
import { unitScope } from './scope.ts';
import { definedOnly } from '../../core/util/objects.ts';
import { departmentView, sectionView, unitView } from './views.ts';

/** Reference data changes reach every member: they all list units, departments and sections. */
function announce(t: TenantTx, type: string, data: unknown) {
  t.publish(liveEvent(t.orgId, type, data, { everyone: true }));
}

export interface ListFilter {
  q?: string;
  /** Only rows the actor is assigned to (unitScope). */
  assigned?: boolean;
  includeInactive?: boolean;
  page: PageQuery;
}

// ---------------------------------------------------------------- units

export async function listUnits(t: TenantTx, f: ListFilter) {
  const page = keyset({ columns: [units.id], key: (u: Unit) => [u.id], page: f.page });
  const rows = await t.tx
    .select()
    .from(units)
    .where(
      and(
        unitPolicy.visible(t.actor),
        f.includeInactive ? undefined : eq(units.isActive, true),
        f.assigned ? toSql(unitScope(t.actor, { unitId: units.id })) : undefined,
        f.q ? containsText(f.q, units.unitName, units.unitCode, units.location) : undefined,
        page.after,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(page.limit);
  return page.finish(rows);
}

export async function getUnit(t: TenantTx, id: number): Promise<Unit> {
  return unitPolicy.load(t.tx, t.actor, 'see', eq(units.id, id));
}

async function assertUnitCodeFree(t: TenantTx, code: string, exceptId?: number) {
  const [other] = await t.tx
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.unitCode, code), exceptId === undefined ? undefined : ne(units.id, exceptId)));
  if (other)
    throw conflict(phrase('unit.codeUsed', { code }), [{ path: 'body.unit_code', message: 'already used' }]);
}

export async function createUnit(
  t: TenantTx,
  input: { unitName: string; unitCode: string; location?: string | null },
): Promise<Unit> {
  if (!unitPolicy.mayEver(t.actor, 'manage')) throw forbidden('Only Admins may create units');
  await assertUnitCodeFree(t, input.unitCode);
  const [unit] = await t.tx
    .insert(units)
    .values({
      orgId: t.orgId,
      unitName: input.unitName,
      unitCode: input.unitCode,
      location: input.location ?? null,
    })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'unit',
    entityId: unit.id,
    message: `Unit created: ${unit.unitName} (${unit.unitCode})`,
    after: unitView(unit),
  });
  announce(t, 'org.unit.created', unitView(unit));
  return unit;
}

export async function updateUnit(
  t: TenantTx,
  id: number,
  patch: { unitName?: string; unitCode?: string; location?: string | null; isActive?: boolean },
): Promise<Unit> {
  const before = await unitPolicy.load(t.tx, t.actor, 'manage', eq(units.id, id));
  if (patch.unitCode !== undefined) await assertUnitCodeFree(t, patch.unitCode, id);
  const [after] = await t.tx
    .update(units)
    .set({
      ...definedOnly(patch),
      updatedAt: new Date(),
    })
    .where(eq(units.id, id))
    .returning();
  const action = before.isActive && !after.isActive ? 'deactivated' : 'updated';
  await audit(t, {
    action: 'update',
    entityType: 'unit',
    entityId: id,
    message: `Unit ${action}: ${after.unitName} (${after.unitCode})`,
    before: unitView(before),
    after: unitView(after),
  });
  announce(t, 'org.unit.updated', unitView(after));
  return after;
}

// ---------------------------------------------------------------- departments

export async function listDepartments(t: TenantTx, f: ListFilter & { unitId?: number }) {
  const page = keyset({ columns: [departments.id], key: (d: Department) => [d.id], page: f.page });
  const rows = await t.tx
    .select()
    .from(departments)
    .where(
      and(
        departmentPolicy.visible(t.actor),
        f.includeInactive ? undefined : eq(departments.isActive, true),
        f.unitId === undefined ? undefined : eq(departments.unitId, f.unitId),
        f.assigned
          ? toSql(unitScope(t.actor, { unitId: departments.unitId, departmentId: departments.id }))
          : undefined,
        f.q ? containsText(f.q, departments.departmentName) : undefined,
        page.after,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(page.limit);
  return page.finish(rows);
}

export async function getDepartment(t: TenantTx, id: number): Promise<Department> {
  return departmentPolicy.load(t.tx, t.actor, 'see', eq(departments.id, id));
}

async function assertDepartmentNameFree(t: TenantTx, unitId: number, name: string, exceptId?: number) {
  const [other] = await t.tx
    .select({ id: departments.id })
    .from(departments)
    .where(
      and(
        eq(departments.unitId, unitId),
        eq(departments.departmentName, name),
        exceptId === undefined ? undefined : ne(departments.id, exceptId),
      ),
    );
  if (other)
    throw conflict(phrase('unit.departmentExists', { name }), [
      { path: 'body.department_name', message: 'already exists in this unit' },
    ]);
}

export async function createDepartment(
  t: TenantTx,
  input: { unitId: number; departmentName: string },
): Promise<Department> {
  const [unit] = await t.tx.select().from(units).where(eq(units.id, input.unitId));
  if (!unit) throw invalidField('body.unit_id', 'no such unit');
  await unitPolicy.authorize(t.tx, t.actor, 'manageDepartments', eq(units.id, input.unitId));
  await assertDepartmentNameFree(t, input.unitId, input.departmentName);
  const [department] = await t.tx
    .insert(departments)
    .values({ orgId: t.orgId, unitId: input.unitId, departmentName: input.departmentName })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'department',
    entityId: department.id,
    message: `Department created: ${department.departmentName} in ${unit.unitName}`,
    after: departmentView(department),
  });
  announce(t, 'org.department.created', departmentView(department));
  return department;
}

export async function updateDepartment(
  t: TenantTx,
  id: number,
  patch: { departmentName?: string; isActive?: boolean },
): Promise<Department> {
  const before = await departmentPolicy.load(t.tx, t.actor, 'manage', eq(departments.id, id));
  if (patch.departmentName !== undefined)
    await assertDepartmentNameFree(t, before.unitId, patch.departmentName, id);
  const [after] = await t.tx
    .update(departments)
    .set({
      ...definedOnly(patch),
      updatedAt: new Date(),
    })
    .where(eq(departments.id, id))
    .returning();
  const action = before.isActive && !after.isActive ? 'deactivated' : 'updated';
  await audit(t, {
    action: 'update',
    entityType: 'department',
    entityId: id,
    message: `Department ${action}: ${after.departmentName}`,
    before: departmentView(before),
    after: departmentView(after),
  });
  announce(t, 'org.department.updated', departmentView(after));
  return after;
}

// ---------------------------------------------------------------- sections

export async function listSections(t: TenantTx, f: ListFilter) {
  const page = keyset({ columns: [sections.id], key: (s: Section) => [s.id], page: f.page });
  const rows = await t.tx
    .select()
    .from(sections)
    .where(
      and(
        sectionPolicy.visible(t.actor),
        f.includeInactive ? undefined : eq(sections.isActive, true),
        f.q ? containsText(f.q, sections.sectionName) : undefined,
        page.after,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(page.limit);
  return page.finish(rows);
}

export async function getSection(t: TenantTx, id: number): Promise<Section> {
  return sectionPolicy.load(t.tx, t.actor, 'see', eq(sections.id, id));
}

async function assertSectionNameFree(t: TenantTx, name: string, exceptId?: number) {
  const [other] = await t.tx
    .select({ id: sections.id })
    .from(sections)
    .where(
      and(eq(sections.sectionName, name), exceptId === undefined ? undefined : ne(sections.id, exceptId)),
    );
  if (other)
    throw conflict(phrase('section.exists', { name }), [
      { path: 'body.section_name', message: 'already exists' },
    ]);
}

export async function createSection(t: TenantTx, input: { sectionName: string }): Promise<Section> {
  if (!sectionPolicy.mayEver(t.actor, 'manage')) throw forbidden('Only Admins may create sections');
  await assertSectionNameFree(t, input.sectionName);
  const [section] = await t.tx
    .insert(sections)
    .values({ orgId: t.orgId, sectionName: input.sectionName })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'section',
    entityId: section.id,
    message: `Section created: ${section.sectionName}`,
    after: sectionView(section),
  });
  announce(t, 'org.section.created', sectionView(section));
  return section;
}

export async function updateSection(
  t: TenantTx,
  id: number,
  patch: { sectionName?: string; isActive?: boolean },
): Promise<Section> {
  const before = await sectionPolicy.load(t.tx, t.actor, 'manage', eq(sections.id, id));
  if (patch.sectionName !== undefined) await assertSectionNameFree(t, patch.sectionName, id);
  const [after] = await t.tx
    .update(sections)
    .set({ ...definedOnly(patch), updatedAt: new Date() })
    .where(eq(sections.id, id))
    .returning();
  const action = before.isActive && !after.isActive ? 'deactivated' : 'updated';
  await audit(t, {
    action: 'update',
    entityType: 'section',
    entityId: id,
    message: `Section ${action}: ${after.sectionName}`,
    before: sectionView(before),
    after: sectionView(after),
  });
  announce(t, 'org.section.updated', sectionView(after));
  return after;
}
