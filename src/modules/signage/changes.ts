import { audit } from '../../core/audit/service.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { liveEvent, type Audience } from '../../core/events/bus.ts';

/**
 * How one kind of signage record appears in the audit trail and on the live feed: every create,
 * update and delete of it is written the same way, so the console's history and live refresh
 * read one shape.
 */
export interface RecordKind<R extends { id: string; name: string }> {
  /** The audit trail's entity type, e.g. `signage_playlist`. */
  entityType: string;
  /** The record's word at the start of an audit message: `Playlist "Lobby" created`. */
  noun: string;
  /** Live events are `<topic>.created|updated|deleted` (or the `created` word below). */
  topic: string;
  view: (row: R) => Record<string, unknown>;
  audience: Audience;
  /** The word for a new record in messages and its live event (screens are "added"). */
  created?: string;
  /** The word for a removed record in messages (its live event stays `<topic>.deleted`). */
  deleted?: string;
}

/** A new record: audited with its view, announced with its id (and its name when `named`). */
export async function recordCreated<R extends { id: string; name: string }>(
  t: TenantTx,
  kind: RecordKind<R>,
  after: R,
  options: { detail?: string; named?: boolean } = {},
) {
  const word = kind.created ?? 'created';
  await audit(t, {
    action: 'create',
    entityType: kind.entityType,
    entityId: after.id,
    message: `${kind.noun} "${after.name}" ${word}${options.detail ? ` ${options.detail}` : ''}`,
    after: kind.view(after),
  });
  const data = options.named ? { id: after.id, name: after.name } : { id: after.id };
  t.publish(liveEvent(t.orgId, `${kind.topic}.${word}`, data, kind.audience));
}

/**
 * A changed record (its fields, or what it holds: `assign`/`unassign`): the audit keeps what
 * differs between `before` and `after`, the live feed says which record to refresh.
 */
export async function recordUpdated<R extends { id: string; name: string }>(
  t: TenantTx,
  kind: RecordKind<R>,
  after: R,
  change: {
    action?: 'update' | 'assign' | 'unassign';
    message?: string;
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
  },
) {
  await audit(t, {
    action: change.action ?? 'update',
    entityType: kind.entityType,
    entityId: after.id,
    message: change.message ?? `${kind.noun} "${after.name}" updated`,
    before: change.before,
    after: change.after,
  });
  t.publish(liveEvent(t.orgId, `${kind.topic}.updated`, { id: after.id }, kind.audience));
}

export async function recordDeleted<R extends { id: string; name: string }>(
  t: TenantTx,
  kind: RecordKind<R>,
  before: R,
) {
  await audit(t, {
    action: 'delete',
    entityType: kind.entityType,
    entityId: before.id,
    message: `${kind.noun} "${before.name}" ${kind.deleted ?? 'deleted'}`,
    before: kind.view(before),
  });
  t.publish(liveEvent(t.orgId, `${kind.topic}.deleted`, { id: before.id }, kind.audience));
}

/**
 * A change of a record the live feed does not announce (the org's plan, its subscription): a
 * `create` when there was none before, an `update` keeping what differs otherwise.
 */
export async function auditChange<R>(
  t: TenantTx,
  entry: { entityType: string; entityId: string; message: string },
  view: (row: R) => Record<string, unknown>,
  before: R | null,
  after: R,
) {
  await audit(t, {
    ...entry,
    action: before ? 'update' : 'create',
    before: before ? view(before) : null,
    after: view(after),
  });
}
