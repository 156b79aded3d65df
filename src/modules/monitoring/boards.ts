import { and, asc, eq } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit/service.ts';
import { liveEvent, orgAdminsAnd } from '../../core/events/bus.ts';
import { badRequest, type FieldError } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { getGroup } from './groups.ts';
import {
  boardSlots,
  performerAssignments as pa,
  performers,
  wirelessUnits,
  PRIORITIES,
  type Priority,
} from './schema.ts';
import { assignmentPerformer, assignmentUnit } from './joins.ts';

/** One place on a group's wall: a performer's assignment, or a blank spacer. */
export type BoardSlot =
  | {
      kind: 'assignment';
      assignmentId: string;
      performer: { id: string; name: string };
      unit: { id: string; name: string };
      priority: Priority;
    }
  | { kind: 'spacer' };

export interface Board {
  groupId: string;
  slots: BoardSlot[];
  /** Whether an arrangement was saved; without one the wall follows priority, then name. */
  arranged: boolean;
}

const PRIORITY_RANK = new Map(PRIORITIES.map((p, i) => [p, PRIORITIES.length - i]));

/** The active assignments of active performers in the group, as they appear on its wall. */
async function assignmentsOnWall(t: TenantTx, groupId: string) {
  return t.tx
    .select({
      id: pa.id,
      priority: pa.priority,
      performerId: pa.performerId,
      performerName: performers.name,
      unitId: pa.wirelessUnitId,
      unitName: wirelessUnits.name,
    })
    .from(pa)
    .innerJoin(performers, assignmentPerformer)
    .innerJoin(wirelessUnits, assignmentUnit)
    .where(and(eq(pa.monitoringGroupId, groupId), eq(pa.isActive, true), eq(performers.isActive, true)));
}

/**
 * The wall of a group in its saved order. Assignments made since the arrangement was saved follow
 * it (highest priority first, then by name), so nobody drops off the wall; assignments that left
 * the wall (deactivated, performer deactivated) leave no hole — only spacers put there on purpose.
 */
export async function boardOf(t: TenantTx, groupId: string): Promise<Board> {
  const on = await assignmentsOnWall(t, groupId);
  const saved = await t.tx
    .select({ assignmentId: boardSlots.assignmentId })
    .from(boardSlots)
    .where(eq(boardSlots.groupId, groupId))
    .orderBy(asc(boardSlots.position));
  const byId = new Map(on.map((a) => [a.id, a]));
  const toSlot = (a: (typeof on)[number]): BoardSlot => ({
    kind: 'assignment',
    assignmentId: a.id,
    performer: { id: a.performerId, name: a.performerName },
    unit: { id: a.unitId, name: a.unitName },
    priority: a.priority,
  });
  const slots: BoardSlot[] = [];
  const placed = new Set<string>();
  for (const s of saved) {
    if (s.assignmentId === null) slots.push({ kind: 'spacer' });
    else {
      const a = byId.get(s.assignmentId);
      if (a) {
        slots.push(toSlot(a));
        placed.add(a.id);
      }
    }
  }
  const rest = on
    .filter((a) => !placed.has(a.id))
    .sort(
      (x, y) =>
        PRIORITY_RANK.get(y.priority)! - PRIORITY_RANK.get(x.priority)! ||
        x.performerName.localeCompare(y.performerName),
    );
  // Trailing spacers would only push the late-comers away from the arranged part.
  while (rest.length && slots.at(-1)?.kind === 'spacer') slots.pop();
  return { groupId, slots: [...slots, ...rest.map(toSlot)], arranged: saved.length > 0 };
}

/** A group's board as the caller may see it (404 outside their groups). */
export async function getBoard(t: TenantTx, groupId: string): Promise<Board> {
  await getGroup(t, groupId);
  return boardOf(t, groupId);
}

/** What a client sends: the order of the wall, `null` for a spacer. */
export type BoardInput = Array<string | null>;

/**
 * Replaces the arrangement. Those who may assign in the group may arrange it (viewers 403). Every
 * listed assignment must be an active one of this group, each at most once; otherwise nothing
 * changes and the 400 names the slot. An empty list returns the wall to its default order.
 */
export async function saveBoard(t: TenantTx, groupId: string, input: BoardInput): Promise<Board> {
  const group = await getGroup(t, groupId, 'assign');
  const on = new Set((await assignmentsOnWall(t, groupId)).map((a) => a.id));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  input.forEach((id, i) => {
    if (id === null) return;
    const path = `body.slots.${i}.assignment_id`;
    if (seen.has(id)) errors.push({ path, message: 'listed twice' });
    else if (!on.has(id)) errors.push({ path, message: 'not an active assignment of this group' });
    seen.add(id);
  });
  if (errors.length) throw badRequest(phrase('board.cannotHold', { group: group.name }), errors);
  const before = await boardOf(t, groupId);
  await t.tx.delete(boardSlots).where(eq(boardSlots.groupId, groupId));
  if (input.length)
    await t.tx
      .insert(boardSlots)
      .values(input.map((assignmentId, position) => ({ orgId: t.orgId, groupId, position, assignmentId })));
  const after = await boardOf(t, groupId);
  const order = (b: Board) => b.slots.map((s) => (s.kind === 'spacer' ? null : s.assignmentId));
  await audit(t, {
    action: 'monitoring.board.updated',
    entityType: 'monitoring_group',
    entityId: groupId,
    message: `Arranged the wall of ${group.name} (${input.length} slot(s))`,
    before: { slots: order(before) },
    after: { slots: order(after) },
  });
  // Everyone watching the group's wall (and its screens at their next read) follows the new order.
  t.publish(
    liveEvent(t.orgId, 'monitoring.board.updated', { group_id: groupId }, orgAdminsAnd(group.members)),
  );
  return after;
}
