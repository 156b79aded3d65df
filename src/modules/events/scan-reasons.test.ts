// The door's words: every reason the server records a scan with has a label in both catalogues.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { en } from '../../../web/src/i18n/en.ts';
import { fr } from '../../../web/src/i18n/fr.ts';
import { REASON_LABELS } from '../../../web/src/pages/events/reasons.ts';
import { SCAN_REASONS } from './schema.ts';

describe('scan reasons in words', () => {
  test('every reason a scan can carry (wrong_direction, room_full, payment_required…) is labelled in EN and FR', () => {
    const labels: Record<string, string> = REASON_LABELS;
    const missing = SCAN_REASONS.filter((r) => !labels[r] || !(labels[r] in en) || !(labels[r] in fr));
    assert.deepEqual(missing, []);
    assert.ok(SCAN_REASONS.includes('wrong_direction') && SCAN_REASONS.includes('room_full'));
  });

  test('the console knows no reason the server never gives', () => {
    const known = new Set<string>(SCAN_REASONS);
    assert.deepEqual(
      Object.keys(REASON_LABELS).filter((r) => !known.has(r)),
      [],
    );
  });
});
