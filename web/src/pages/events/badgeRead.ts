// What a desk read from a badge: the signed QR payload (camera, or a USB scanner that types it) or
// the printed badge id typed by hand. The door and the stand tell them apart the same way.

/** A signed QR payload, as opposed to a printed badge id typed by hand. */
export const isQr = (text: string) => /^RB[12]\./.test(text.trim());

/** The badge as the scan APIs take it: `qr` for a payload, `badge_id` for a typed id. */
export type BadgeRead = { qr: string } | { badge_id: string };

export function badgeRead(raw: string): BadgeRead {
  const text = raw.trim();
  return isQr(text) ? { qr: text } : { badge_id: text };
}
