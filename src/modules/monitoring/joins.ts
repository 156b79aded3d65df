import { and, eq } from 'drizzle-orm';
import { monitoringGroups, performerAssignments as pa, performers, wirelessUnits } from './schema.ts';

// How an assignment reaches its performer, unit and group. The org is part of each join so the
// planner uses the (org_id, id) keys, as every tenant query does.

export const assignmentPerformer = and(eq(performers.orgId, pa.orgId), eq(performers.id, pa.performerId));
export const assignmentUnit = and(eq(wirelessUnits.orgId, pa.orgId), eq(wirelessUnits.id, pa.wirelessUnitId));
export const assignmentGroup = and(
  eq(monitoringGroups.orgId, pa.orgId),
  eq(monitoringGroups.id, pa.monitoringGroupId),
);
