import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeviceState,
  Framer,
  modelInfo,
  parseMessage,
  splitDatagram,
  toReading,
  type Family,
} from './protocol.ts';

/**
 * Recorded exchanges in each family's documented command strings (what the receiver sent), parsed
 * the way the adapter does: framing, messages, values, then the vendor-neutral reading.
 */
function replay(family: Family, transcript: string) {
  const state = new DeviceState(family);
  const bad: string[] = [];
  const { frames, garbage } = new Framer().push(transcript);
  bad.push(...garbage);
  for (const inner of frames) {
    const m = parseMessage(inner);
    if (!m) {
      bad.push(inner);
      continue;
    }
    const r = state.apply(m);
    if (r !== null && typeof r === 'object') bad.push(inner);
  }
  return { state, bad, reading: (slot: number) => toReading(family, slot, state.channel(slot)) };
}

describe('Shure command strings: transcripts per model', () => {
  test('ULX-D (ULXD4Q): GET ALL values, then SAMPLE meters; 255 battery = transmitter off', () => {
    const { state, bad, reading } = replay(
      'ulxd',
      [
        '< REP 1 CHAN_NAME {Vocal 1 } >',
        '< REP 1 FREQUENCY 470125 >',
        '< REP 1 TX_TYPE ULXD2 >',
        '< REP 1 BATT_BARS 004 >',
        '< REP 1 BATT_CHARGE 078 >',
        '< REP 1 BATT_RUN_TIME 00275 >',
        '< REP 1 AUDIO_MUTE OFF >',
        '< REP 1 TX_MUTE_STATUS OFF >',
        '< REP 2 TX_TYPE UNKN >',
        '< REP 2 BATT_BARS 255 >',
        '< REP 0 FW_VER {2.7.6} >',
        '< SAMPLE 1 ALL AX 100 040 >',
      ].join('\r\n') + '\r\n',
    );
    assert.deepEqual(bad, []);
    assert.equal(state.device.FW_VER, '2.7.6');
    assert.deepEqual(reading(1), {
      slot: 1,
      kind: 'mic',
      online: true,
      muted: false,
      battery: { bars: 4, percent: 78, runtime_minutes: 275 },
      // RF 100 → −28 dBm; audio 40 → −10 dBFS.
      rf: { level_percent: 90, level_dbm: -28, antenna: 'A' },
      audio: { level_percent: 83, level_dbfs: -10 },
      name: 'Vocal 1',
      frequency_mhz: 470.125,
      tx_type: 'ULXD2',
    });
    assert.deepEqual(
      [reading(2).online, reading(2).battery, reading(2).tx_type],
      [false, null, null],
      'no transmitter: offline, nothing to read',
    );
  });

  test('QLX-D: transmitter mute and unknown runtime', () => {
    const { bad, reading } = replay(
      'qlxd',
      '< REP 1 TX_TYPE QLXD2 >< REP 1 BATT_BARS 002 >< REP 1 BATT_CHARGE 255 >< REP 1 BATT_RUN_TIME 65535 >' +
        '< REP 1 TX_MUTE_STATUS ON >< SAMPLE 1 ALL XB 060 025 >',
    );
    assert.deepEqual(bad, []);
    const r = reading(1);
    assert.deepEqual(r.battery, { bars: 2, percent: 40, runtime_minutes: null }, 'bars only: 20 % a bar');
    assert.equal(r.muted, true);
    assert.deepEqual(r.rf, { level_percent: 40, level_dbm: -68, antenna: 'B' });
    assert.equal(r.audio?.level_percent, 0, 'a muted channel shows no audio');
  });

  test('SLX-D: TX_BATT_* names and the peak/RMS/RSSI sample with a 120 offset', () => {
    const { bad, reading } = replay(
      'slxd',
      '< REP 2 TX_TYPE SLXD2 >< REP 2 TX_BATT_BARS 005 >< REP 2 TX_BATT_MINS 00480 >< SAMPLE 2 ALL 114 102 060 >',
    );
    assert.deepEqual(bad, []);
    const r = reading(2);
    assert.deepEqual(r.battery, { bars: 5, percent: 100, runtime_minutes: 480 });
    assert.deepEqual(r.audio, { level_percent: 70, level_dbfs: -18, peak_dbfs: -6 });
    assert.deepEqual(r.rf, { level_percent: 50, level_dbm: -60, antenna: null });
  });

  test('Axient Digital (AD4Q): seven-digit frequency, MUTE mode, diversity sample (strongest antenna)', () => {
    const { bad, reading } = replay(
      'axtd',
      '< REP 3 FREQUENCY 0578350 >< REP 3 TX_MODEL AD2 >< REP 3 TX_BATT_BARS 003 >' +
        '< REP 3 TX_BATT_CHARGE_PERCENT 055 >< REP 3 TX_BATT_MINS 65534 >< REP 3 TX_MUTE_MODE_STATUS MUTE >' +
        '< SAMPLE 3 ALL 005 007 108 096 XB 031 040 031 060 >',
    );
    assert.deepEqual(bad, []);
    const r = reading(3);
    assert.equal(r.frequency_mhz, 578.35);
    assert.deepEqual(r.battery, { bars: 3, percent: 55, runtime_minutes: null }, '65534 = still calculating');
    assert.equal(r.muted, true);
    assert.deepEqual(r.rf, { level_percent: 50, level_dbm: -60, antenna: 'B' });
    const live = replay('axtd', '< REP 1 TX_MODEL AD1 >< REP 1 TX_MUTE_MODE_STATUS ON >').reading(1);
    assert.equal(live.muted, false, 'ON is a live transmitter');
  });

  test('UHF-R: asterisk framing, REPORT, TX_BAT with U, SAMPLE with battery and audio bitmap', () => {
    const { bad, reading } = replay(
      'uhfr',
      '* REPORT 1 CHAN_NAME {Lead} ** REPORT 1 TX_BAT 4 ** SAMPLE 1 ALL AX 060 0 4 031 ** REPORT 2 TX_BAT U *',
    );
    assert.deepEqual(bad, []);
    const r = reading(1);
    assert.deepEqual([r.online, r.battery?.bars, r.rf?.level_dbm, r.audio?.level_dbfs], [true, 4, -60, -18]);
    assert.equal(reading(2).online, false);
  });

  test('UHF-R datagrams: each read on its own; cut-short, noisy and out-of-range ones are set aside', () => {
    const state = new DeviceState('uhfr');
    const bad: string[] = [];
    const datagrams = [
      '* REPORT 1 CHAN_NAME {Lead Vox} *',
      '* REPORT 1 TX_BAT 3 *',
      '* REPORT 1 FREQUENCY 574125 *',
      '* SAMPLE 1 ALL XB 072 0 3 063 *',
      '* REPORT 1 TX_BAT',
      'noise \u0007',
      '* SAMPLE 1 ALL AX 999 0 3 063 *',
      '* REPORT 1 TX_BAT 7 *',
      '* REPORT 2 TX_BAT U *',
    ];
    for (const datagram of datagrams) {
      const { frames, garbage } = splitDatagram(datagram);
      bad.push(...garbage);
      for (const inner of frames) {
        const m = parseMessage(inner);
        const r = m ? state.apply(m) : { malformed: 'unknown' };
        if (r !== null && typeof r === 'object') bad.push(inner);
      }
    }
    assert.deepEqual(bad, [
      '* REPORT 1 TX_BAT',
      'noise \u0007',
      'SAMPLE 1 ALL AX 999 0 3 063',
      'REPORT 1 TX_BAT 7',
    ]);
    assert.deepEqual(toReading('uhfr', 1, state.channel(1)), {
      slot: 1,
      kind: 'mic',
      online: true,
      muted: false,
      battery: { bars: 3, percent: 60, runtime_minutes: null },
      // RF 072 → −72 dBm on antenna B; six lit audio segments → −12 dBFS.
      rf: { level_percent: 35, level_dbm: -72, antenna: 'B' },
      audio: { level_percent: 80, level_dbfs: -12 },
      name: 'Lead Vox',
      frequency_mhz: 574.125,
    });
    assert.equal(toReading('uhfr', 2, state.channel(2)).online, false);
  });

  test('PSM 1000 (P10T): an in-ear transmitter channel with input meters, no battery or RF', () => {
    const { bad, reading } = replay(
      'p10t',
      '< REP 1 CHAN_NAME {IEM A Drums} >< REP 1 AUDIO_IN_LVL_L 700000 >< REP 1 AUDIO_IN_LVL_R 90000 >',
    );
    assert.deepEqual(bad, []);
    assert.deepEqual(reading(1), {
      slot: 1,
      kind: 'iem',
      online: true,
      muted: false,
      battery: null,
      rf: null,
      audio: { level_percent: 63, level_dbfs: -30 },
      name: 'IEM A Drums',
    });
  });

  test('malformed input: garbage, unknown messages, values out of range and wrong layouts are set aside', () => {
    const { bad, reading } = replay(
      'ulxd',
      '< REP 1 BATT_BARS 004 >\r\n#@!~ noise\r\n< HELLO >< REP 1 BATT_BARS 009 >< SAMPLE 1 ALL ZZ 999 >' +
        '< SAMPLE 1 ALL AX 100 >< REP 9 BATT_BARS 001 >< REP 99 TX_TYPE ULXD2 >< REP 1 FREQUENCY 47 >',
    );
    assert.deepEqual(bad, [
      '#@!~ noise',
      'HELLO',
      'REP 1 BATT_BARS 009',
      'SAMPLE 1 ALL ZZ 999',
      'SAMPLE 1 ALL AX 100',
      'REP 99 TX_TYPE ULXD2',
      'REP 1 FREQUENCY 47',
    ]);
    assert.equal(reading(1).battery?.bars, 4, 'the last good value stays');
    assert.equal(parseMessage('REP ERR')?.type, 'err');
  });

  test('a frame split across reads is joined; an unterminated flood is dropped', () => {
    const f = new Framer(100);
    assert.deepEqual(f.push('< REP 1 BATT_'), { frames: [], garbage: [], overflow: false });
    assert.deepEqual(f.push('BARS 003 >').frames, ['REP 1 BATT_BARS 003']);
    assert.equal(f.push('<' + 'x'.repeat(200)).overflow, true);
  });

  test('model names as people write them', () => {
    assert.deepEqual(
      ['ULXD4Q=-G50', 'ad4q', 'PSM1000', 'SLXD4D', 'UR4D', 'Mystery'].map((m) => modelInfo(m)?.model ?? null),
      ['ULXD4Q', 'AD4Q', 'P10T', 'SLXD4D', 'UR4D', null],
    );
  });
});
