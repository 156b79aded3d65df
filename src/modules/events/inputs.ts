// Request pieces the routes files share: the path of an event, and the value formats its bodies use.
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import { EVENT_ROLES, ROOM_ROLES, SESSION_STATUSES } from './schema.ts';

export const tags = ['events'];
export const base = '/api/events/events';
export const eventParams = z.object({ id: uuidParam });
export const participantParams = z.object({ id: uuidParam, participantId: uuidParam });
export const qr = z.string().min(1).max(500);
export const qrBody = z.strictObject({ qr });
/** The badge a scan body names (validated to carry one of the two): its QR, or the typed badge id. */
export const badgeRefOf = (b: { qr?: string; badge_id?: string }): { qr: string } | { badgeId: string } =>
  b.qr !== undefined ? { qr: b.qr } : { badgeId: b.badge_id! };
/** A scanning device's own id for one scan (a UUID, say): sending it again is a retry. */
export const nonce = z.string().trim().min(8).max(100);

// Values of the previous version of the API are still accepted and read as their new names.
const OLD_ROLES: Record<string, string> = { organisateur: 'gestionnaire_des_salles' };
const OLD_STATUSES: Record<string, string> = {
  scheduled: 'pas_encore',
  live: 'en_cours',
  completed: 'termine',
};
const renamed = (map: Record<string, string>) => (v: unknown) =>
  typeof v === 'string' && v in map ? map[v] : v;

export const eventRole = z.preprocess(renamed(OLD_ROLES), z.enum(EVENT_ROLES));
export const roomRole = z.preprocess(renamed(OLD_ROLES), z.enum(ROOM_ROLES));
/** `cancelled` is no longer a session status: it is refused like any unknown status. */
export const sessionStatus = z.preprocess(renamed(OLD_STATUSES), z.enum(SESSION_STATUSES));
export const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' })
  .transform((s) => new Date(s));
export const money = z
  .union([z.number(), z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be an amount like 25.00')])
  .transform((v) => Number(v).toFixed(2))
  .refine((v) => Number(v) >= 0 && Number(v) < 1e8, 'out of range');
export const text = (max: number) => z.string().trim().max(max);
export const name = (max = 200) => z.string().trim().min(1).max(max);
/** A query flag written `true` or `false`, absent when not given. */
export const flag = z.enum(['true', 'false']).optional();
export const flagValue = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
