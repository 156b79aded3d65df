// The stand without network: each scan is made once (nonce, device time), sent at once when the
// network is there, else queued on the device and uploaded when it is back. docs/events.md § Lead capture.
import { api, type Answer, type Body } from '../../api/client';
import { badgeRead } from './badgeRead';

export type StandScan = Body<'/api/events/events/{id}/exposant-scans/upload', 'post'>['scans'][number];
export type UploadedScan = Answer<'/api/events/events/{id}/exposant-scans/upload', 'post'>['results'][number];

/** The server takes this many stand scans in one upload. */
export const STAND_UPLOAD_PART = 500;

/** One queue per exhibitor and event, so a shared device uploads each scan under its own name. */
export const standQueueKey = (userId: number, eventId: string) => `roster.standQueue.${userId}.${eventId}`;

/** A scan as the stand sends it, live or later: the same nonce and device time either way. */
export const standScan = (raw: string, now: number): StandScan => ({
  nonce: crypto.randomUUID(),
  ...badgeRead(raw),
  scanned_at: new Date(now).toISOString(),
});

/** One part of the stand's queue to the server; its answer for each scan, by nonce. */
export const sendStandScans = (eventId: string) => async (part: StandScan[]) =>
  (
    await api.post('/api/events/events/{id}/exposant-scans/upload', {
      path: { id: eventId },
      body: { scans: part },
    })
  ).results;
