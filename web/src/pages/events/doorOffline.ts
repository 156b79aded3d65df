// The door scanner without network: the room's kit (downloaded while online, kept in
// localStorage), the decisions taken offline by the same rules as the server where the kit can
// tell, and how the queue of those decisions is uploaded. docs/events.md § Offline scanning.
// It reaches the API only through its generated types, so the rules run in node's tests as well.
import type { paths } from '../../api/schema.d.ts';
import { isQr } from './badgeRead.ts';

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;
export type Kit = Json<paths['/api/events/events/{id}/scanner-kit']['get']['responses'][200]>;
export type QueuedScan = Json<
  paths['/api/events/events/{id}/scans/upload']['post']['requestBody']
>['scans'][number];

export interface OfflineDecision {
  /** undecided: a typed badge id the kit does not list; queued for the server to decide. */
  status: 'granted' | 'denied' | 'undecided';
  reason: QueuedScan['reason'] | null;
  badge: Kit['badges'][number] | null;
}

const kitKey = (userId: number, eventId: string) => `roster.doorKit.${userId}.${eventId}`;
/** A device shared by two controllers keeps two queues: each uploads under its own name. */
export const doorQueueKey = (userId: number, eventId: string) => `roster.doorQueue.${userId}.${eventId}`;

export function storedKit(userId: number, eventId: string): Kit | null {
  try {
    const raw = localStorage.getItem(kitKey(userId, eventId));
    return raw ? (JSON.parse(raw) as Kit) : null;
  } catch {
    return null;
  }
}
export const saveKit = (userId: number, eventId: string, kit: Kit) =>
  localStorage.setItem(kitKey(userId, eventId), JSON.stringify(kit));

const fromBase64Url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/**
 * The badge a payload names when its Ed25519 signature verifies with one of the kit's keys
 * (WebCrypto, no network); null when forged, altered, of the old format (its HMAC needs the
 * server's secret) or when the browser cannot verify Ed25519.
 */
async function verifiedParticipant(
  kit: Kit,
  payload: string,
): Promise<{ participantId: string } | 'other_event' | null> {
  const parts = payload.trim().split('.');
  if (parts.length !== 5 || parts[0] !== 'RB2' || !crypto.subtle) return null;
  const [, orgId, eventId, participantId, signature] = parts;
  const message = new TextEncoder().encode(parts.slice(0, 4).join('.'));
  for (const k of kit.public_keys) {
    try {
      const key = await crypto.subtle.importKey(
        'raw',
        fromBase64Url(k.public_key),
        { name: 'Ed25519' },
        false,
        ['verify'],
      );
      if (await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64Url(signature), message))
        return orgId === kit.event.org_id && eventId === kit.event.id ? { participantId } : 'other_event';
    } catch {
      return null;
    }
  }
  return null;
}

/** The session showing "en cours" in the room at `now`: the manager's status, else the clock's. */
function sessionAt(kit: Kit, now: number) {
  return kit.sessions.find((s) =>
    s.status_override
      ? s.status_override === 'en_cours'
      : Date.parse(s.start_time) <= now && now < Date.parse(s.end_time),
  );
}

/**
 * The door's decision from the kit, in the order of the server's decision table. What the kit
 * cannot know (a badge issued, a check-in or a payment marked after it was downloaded, another
 * door's scans) is decided as the kit says; the server flags the difference on upload.
 */
export async function decideOffline(
  kit: Kit,
  payload: string,
  direction: 'in' | 'out',
  now: number,
): Promise<OfflineDecision> {
  const denied = (reason: QueuedScan['reason'], badge: OfflineDecision['badge'] = null): OfflineDecision => ({
    status: 'denied',
    reason,
    badge,
  });
  const held = kit.slots.some(
    (s) => s.room_id === kit.room.id && Date.parse(s.starts_at) <= now && now < Date.parse(s.ends_at),
  );
  if (!held) return denied('controller_not_assigned');
  let badge: Kit['badges'][number] | null;
  if (isQr(payload)) {
    const verified = await verifiedParticipant(kit, payload);
    if (verified === null) return denied('invalid_badge');
    if (verified === 'other_event') return denied('other_event');
    badge = kit.badges.find((b) => b.id === verified.participantId) ?? null;
    if (!badge) return denied('unknown_badge');
  } else {
    // A printed id typed by hand is as good as the QR when the kit lists it; otherwise the kit
    // cannot tell a badge issued since it was made from a mistyped one: the server decides.
    const typed = payload.trim().toUpperCase();
    badge = kit.badges.find((b) => b.badge_id === typed) ?? null;
    if (!badge) return { status: 'undecided', reason: null, badge: null };
  }
  const mode = kit.room.door_mode;
  if ((direction === 'in' && mode === 'exit') || (direction === 'out' && mode === 'entry'))
    return denied('wrong_direction', badge);
  if (direction === 'out') return { status: 'granted', reason: badge.inside ? null : 'not_inside', badge };
  if (!badge.is_checked_in) return denied('not_checked_in', badge);
  const session = sessionAt(kit, now);
  if (session?.paid_participant_ids && !session.paid_participant_ids.includes(badge.id))
    return denied('payment_required', badge);
  if (badge.inside) return { status: 'granted', reason: 'already_in_room', badge };
  if (kit.room.current_occupancy >= kit.room.capacity) return denied('room_full', badge);
  return { status: 'granted', reason: null, badge };
}

/** The kit after a decision that moved a badge (online or offline): who is inside, how many. */
export function applyMove(kit: Kit, participantId: string, direction: 'in' | 'out', occupancy?: number): Kit {
  const badges = kit.badges.map((b) => (b.id === participantId ? { ...b, inside: direction === 'in' } : b));
  const delta = direction === 'in' ? 1 : -1;
  const count = occupancy ?? Math.max(0, kit.room.current_occupancy + delta);
  return { ...kit, badges, room: { ...kit.room, current_occupancy: count } };
}
