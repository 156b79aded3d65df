// Every reason a door scan can carry, in words. The types come from the API, so
// a code the server adds is a type error here until it has its label (and a test checks the list).
import type { paths } from '../../api/schema.d.ts';
import type { Key } from '../../i18n/en.ts';

type Decision =
  paths['/api/events/events/{id}/scans']['post']['responses'][200]['content']['application/json'];
type Scan = Decision['scan'];
export type ScanReason = NonNullable<Scan['reason']>;

export const REASON_LABELS: Record<ScanReason, Key> = {
  controller_not_assigned: 'reason.controller_not_assigned',
  invalid_badge: 'reason.invalid_badge',
  other_event: 'reason.other_event',
  unknown_badge: 'reason.unknown_badge',
  not_checked_in: 'reason.not_checked_in',
  payment_required: 'reason.payment_required',
  room_full: 'reason.room_full',
  wrong_direction: 'reason.wrong_direction',
  already_in_room: 'reason.already_in_room',
  not_inside: 'reason.not_inside',
  later_scan_known: 'reason.later_scan_known',
  room_emptied: 'reason.room_emptied',
};

/** A scan's reason in words; a code this console does not know yet as the API wrote it. */
export const reasonLabel = (t: (key: Key) => string, reason: string) =>
  reason in REASON_LABELS ? t(REASON_LABELS[reason as ScanReason]) : reason;
