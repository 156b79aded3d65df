import crypto from 'node:crypto';
import QRCode from 'qrcode';

/**
 * A badge's QR payload names org, event and participant and carries an HMAC over them with the
 * server secret, so a door scanner can reject a forged or altered badge without a database read,
 * and nobody can mint a valid badge by guessing ids.
 */
const VERSION = 'RB1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface BadgeClaims {
  orgId: string;
  eventId: string;
  participantId: string;
}

function signature(secret: string, c: BadgeClaims): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`${VERSION}.${c.orgId}.${c.eventId}.${c.participantId}`)
    .digest('base64url');
}

export function badgePayload(secret: string, c: BadgeClaims): string {
  return `${VERSION}.${c.orgId}.${c.eventId}.${c.participantId}.${signature(secret, c)}`;
}

/** The QR payload printed on a participant's badge. */
export const qrPayloadOf = (secret: string, p: { orgId: string; eventId: string; id: string }) =>
  badgePayload(secret, { orgId: p.orgId, eventId: p.eventId, participantId: p.id });

/** The claims of an authentic payload, or null for anything truncated, altered or forged. */
export function verifyBadge(secret: string, payload: string): BadgeClaims | null {
  const parts = payload.trim().split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return null;
  const [, orgId, eventId, participantId, sig] = parts;
  if (![orgId, eventId, participantId].every((id) => UUID.test(id))) return null;
  const claims = { orgId, eventId, participantId };
  const expected = Buffer.from(signature(secret, claims));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return claims;
}

/** The printed badge number: for people to read out, never accepted as proof at a door. */
export function newBadgeId(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(10);
  let code = '';
  for (const b of bytes) code += alphabet[b % alphabet.length];
  return `BDG-${code.slice(0, 5)}-${code.slice(5)}`;
}

export const qrSvg = (payload: string) =>
  QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
export const qrPng = (payload: string) =>
  QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
