import { sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { bigint, boolean, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The columns every assignment table shares: who assigned it, when, and in which time window it
 * counts. Modules spread these into their own tables (UserUnit, PerformerAssignment,
 * RoomAssignment…) next to the subject and scope columns that name what is linked.
 */
export function assignmentColumns() {
  return {
    role: text('role'),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    isActive: boolean('is_active').notNull().default(true),
    assignedBy: bigint('assigned_by', { mode: 'number' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  };
}

export interface AssignmentWindowColumns {
  isActive: AnyColumn;
  startsAt?: AnyColumn;
  endsAt?: AnyColumn;
  /** With these two, a replayed instant reads the assignment's history (see `replayedAt`). */
  assignedAt?: AnyColumn;
  updatedAt?: AnyColumn;
}

/** The instants made by `replayedAt`: rules read assignments as they stood then. */
const replayed = new WeakSet<SQL>();

/**
 * An instant to ask "who could, then?" (explain's `at`): assignments are read as they stood at
 * that instant rather than as they stand now — one not yet made then did not count, and one
 * deactivated since (its last change is the deactivation, `updated_at`) still did.
 */
export function replayedAt(at: Date): SQL {
  const instant = sql`${at.toISOString()}::timestamptz`;
  replayed.add(instant);
  return instant;
}

/**
 * "This assignment counts at `at`": the database's `app_in_force` (active, started, not yet ended;
 * an open start or end is unbounded; the end exclusive), the one definition the database functions
 * call too. At a replayed instant, `is_active` and the row's existence are read as they were then
 * (tables spreading assignmentColumns() carry what that takes).
 */
export function assignmentInForce(cols: AssignmentWindowColumns, at: Date | SQL = sql`now()`): SQL {
  const when = at instanceof Date ? sql`${at.toISOString()}::timestamptz` : at;
  const history = !(at instanceof Date) && replayed.has(at) && cols.assignedAt && cols.updatedAt;
  const active = history ? sql`(${cols.isActive} = true or ${cols.updatedAt} > ${when})` : cols.isActive;
  const open = sql`null::timestamptz`;
  const inForce = sql`app_in_force(${active}, ${cols.startsAt ?? open}, ${cols.endsAt ?? open}, ${when})`;
  return history ? sql`${inForce} and ${cols.assignedAt} <= ${when}` : inForce;
}

/** Condition for two windows [aStart, aEnd) and [bStart, bEnd) sharing at least one instant. */
export function windowsOverlap(
  aStart: AnyColumn | SQL,
  aEnd: AnyColumn | SQL,
  bStart: Date,
  bEnd: Date,
): SQL {
  return sql`(${aStart} < ${bEnd.toISOString()}::timestamptz and ${aEnd} > ${bStart.toISOString()}::timestamptz)`;
}
