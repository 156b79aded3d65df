import crypto from 'node:crypto';
import QRCode from 'qrcode';

/**
 * A badge's QR payload names org, event and participant and carries an Ed25519 signature over
 * them, so a door scanner can reject a forged or altered badge without a database read — and,
 * holding only the organization's public key, without the network. Nobody can mint a valid badge
 * by guessing ids.
 *
 * Each organization has its own key pair, derived from the server secret (HKDF, the org id as
 * salt): every instance computes the same keys, nothing is stored in the database (a database dump
 * cannot mint badges), and the private key never leaves the server. Rotating the secret rotates
 * every key: badges printed before must then be printed again.
 *
 * Badges printed before signatures became public-key ones (`RB1`, an HMAC with the server secret)
 * are still accepted by the server; an offline scanner cannot check them (see docs/events.md).
 */
const VERSION = 'RB2';
const LEGACY_VERSION = 'RB1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** DER header of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
/** DER header of an SPKI Ed25519 public key; the 32-byte key follows it. */
const SPKI_ED25519_LENGTH = 12;

export interface BadgeClaims {
  orgId: string;
  eventId: string;
  participantId: string;
}

/** An organization's badge key pair. `publicKey` is the raw 32 bytes, base64url, as scanners take it. */
export interface BadgeKey {
  kid: string;
  algorithm: 'Ed25519';
  publicKey: string;
  privateKeyObject: crypto.KeyObject;
  publicKeyObject: crypto.KeyObject;
}

// Deriving a key costs a hash and a key import: kept per (secret, org) for the life of the process.
const keys = new Map<string, BadgeKey>();

export function badgeKeyOf(secret: string, orgId: string): BadgeKey {
  const cacheKey = `${orgId}\n${secret}`;
  const known = keys.get(cacheKey);
  if (known) return known;
  const seed = Buffer.from(crypto.hkdfSync('sha256', secret, orgId, 'roster badge signing key v2', 32));
  const privateKeyObject = crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKeyObject = crypto.createPublicKey(privateKeyObject);
  const raw = publicKeyObject.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_LENGTH);
  const key: BadgeKey = {
    kid: crypto.createHash('sha256').update(raw).digest('base64url').slice(0, 16),
    algorithm: 'Ed25519',
    publicKey: raw.toString('base64url'),
    privateKeyObject,
    publicKeyObject,
  };
  keys.set(cacheKey, key);
  return key;
}

const KEPT = 50_000;
function kept<V>(bySecret: Map<string, Map<string, V>>, secret: string): Map<string, V> {
  let known = bySecret.get(secret);
  if (!known) bySecret.set(secret, (known = new Map<string, V>()));
  return known;
}
function keep<V>(known: Map<string, V>, key: string, value: V): V {
  if (known.size >= KEPT) known.delete(known.keys().next().value!);
  known.set(key, value);
  return value;
}

const signedText = (c: BadgeClaims) => `${VERSION}.${c.orgId}.${c.eventId}.${c.participantId}`;

// Signing is deterministic and a badge list prints hundreds: payloads are kept like verifications.
const signed = new Map<string, Map<string, string>>();

export function badgePayload(secret: string, c: BadgeClaims): string {
  const text = signedText(c);
  const known = kept(signed, secret);
  const payload = known.get(text);
  if (payload) return payload;
  const signature = crypto.sign(null, Buffer.from(text), badgeKeyOf(secret, c.orgId).privateKeyObject);
  return keep(known, text, `${text}.${signature.toString('base64url')}`);
}

/** The QR payload printed on a participant's badge. */
export const qrPayloadOf = (secret: string, p: { orgId: string; eventId: string; id: string }) =>
  badgePayload(secret, { orgId: p.orgId, eventId: p.eventId, participantId: p.id });

/** The claims of an authentic payload, or null for anything truncated, altered or forged. */
export function verifyBadge(secret: string, payload: string): BadgeClaims | null {
  const parts = payload.trim().split('.');
  if (parts.length !== 5) return null;
  const [version, orgId, eventId, participantId, sig] = parts;
  if (![orgId, eventId, participantId].every((id) => UUID.test(id))) return null;
  const claims = { orgId, eventId, participantId };
  if (version === VERSION) return verifySignedBadge(secret, payload.trim(), claims, sig);
  if (version === LEGACY_VERSION) return verifyLegacyBadge(secret, claims, sig);
  return null;
}

// An Ed25519 verification costs about as much CPU as the rest of a door scan, and a badge is
// scanned at every door it goes through: the payloads found authentic are remembered (bounded,
// oldest forgotten first). Only authentic ones: a forged payload never takes a place.
const verified = new Map<string, Map<string, BadgeClaims>>();

function verifySignedBadge(secret: string, payload: string, claims: BadgeClaims, sig: string) {
  const known = kept(verified, secret);
  const remembered = known.get(payload);
  if (remembered) return remembered;
  const signature = Buffer.from(sig, 'base64url');
  if (signature.length !== 64) return null;
  const key = badgeKeyOf(secret, claims.orgId);
  if (!crypto.verify(null, Buffer.from(signedText(claims)), key.publicKeyObject, signature)) return null;
  return keep(known, payload, claims);
}

function verifyLegacyBadge(secret: string, claims: BadgeClaims, sig: string): BadgeClaims | null {
  const expected = Buffer.from(
    crypto
      .createHmac('sha256', secret)
      .update(`${LEGACY_VERSION}.${claims.orgId}.${claims.eventId}.${claims.participantId}`)
      .digest('base64url'),
  );
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return claims;
}

/** A badge printed before public-key signatures (what tests and the docs call the old format). */
export function legacyBadgePayload(secret: string, c: BadgeClaims): string {
  const text = `${LEGACY_VERSION}.${c.orgId}.${c.eventId}.${c.participantId}`;
  return `${text}.${crypto.createHmac('sha256', secret).update(text).digest('base64url')}`;
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
