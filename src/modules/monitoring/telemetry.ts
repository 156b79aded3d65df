import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import client from 'prom-client';
import type { Db } from '../../core/db/client.ts';
import { withTenant, type TenantTx } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/access/actor.ts';
import { liveEvent, type EventBus } from '../../core/events/bus.ts';
import { chassis, telemetrySamples, wirelessUnits } from './schema.ts';
import type { MonitoringSettings } from './settings.ts';
import { evaluateAlerts, type Conditions } from './alerts.ts';
import type { WirelessUnit } from './hardware.ts';
import { unitView } from './views.ts';
import { unitAudiences } from './live.ts';
import type { ChannelReading, ChassisRow, Reading } from './receiver.ts';

/**
 * Receiver telemetry turned into unit state, sampled history and alerts — the one path shared by
 * the poller (a whole device read) and the subscriptions (channels pushed by the receiver).
 */

export interface TelemetryReport {
  orgs: number;
  chassis: number;
  unreachable: number;
  malformed: number;
  unitsUpdated: number;
  samples: number;
  raised: number;
  escalated: number;
  resolved: number;
}
export const emptyReport = (): TelemetryReport => ({
  orgs: 0,
  chassis: 0,
  unreachable: 0,
  malformed: 0,
  unitsUpdated: 0,
  samples: 0,
  raised: 0,
  escalated: 0,
  resolved: 0,
});

export interface TelemetryDeps {
  db: Db;
  bus?: EventBus;
  log: FastifyBaseLogger;
  registry: client.Registry;
}

const MALFORMED_METRIC = 'roster_monitoring_malformed_telemetry_total';
const PRUNE_EVERY_MS = 60_000;

function malformedCounter(registry: client.Registry) {
  const existing = registry.getSingleMetric(MALFORMED_METRIC);
  if (existing) return existing as client.Counter<'reason'>;
  return new client.Counter({
    name: MALFORMED_METRIC,
    help: 'Receiver telemetry that could not be used (whole answer or one channel, polled or pushed)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
}

/**
 * Remembers, per process, when it last sampled each unit and pruned each org's history, and runs
 * every write of an org one after the other: a pushed change and a poll tick of the same org
 * never interleave, so neither can overwrite the other with an older reading.
 */
export function createTelemetryWriter(deps: TelemetryDeps) {
  const malformed = malformedCounter(deps.registry);
  const lastSampled = new Map<string, number>();
  const lastPruned = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();

  function countMalformed(reason: 'device' | 'channel', context: Record<string, unknown>, message: string) {
    malformed.inc({ reason });
    deps.log.warn(context, message);
  }

  /** Runs `fn` in a tenant transaction of the org as the system actor, after the org's earlier writes. */
  function write<T>(orgId: string, fn: (t: TenantTx) => Promise<T>): Promise<T> {
    const previous = queues.get(orgId) ?? Promise.resolve();
    const run = previous
      .catch(() => {})
      .then(() => withTenant({ db: deps.db, bus: deps.bus }, systemActor(orgId, 'monitoring-poller'), fn));
    queues.set(orgId, run);
    const forget = () => {
      if (queues.get(orgId) === run) queues.delete(orgId);
    };
    run.then(forget, forget);
    return run;
  }

  /** Resolves once every queued write has finished (tests, shutdown). */
  async function settled() {
    while (queues.size) await Promise.allSettled([...queues.values()]);
  }

  /**
   * Applies one reading per receiver to its units: state, chassis reachability, history sample
   * (at most one per unit per `history_every_seconds`), live `monitoring.unit.updated`, alerts.
   * `readings[i]` is what `receivers[i]` said; a channel missing from a reading leaves its unit
   * untouched, and inactive units are left alone.
   */
  async function apply(
    t: TenantTx,
    settings: MonitoringSettings,
    receivers: ChassisRow[],
    readings: Reading[],
    now: Date,
    report: TelemetryReport,
  ) {
    const units = receivers.length
      ? await t.tx
          .select()
          .from(wirelessUnits)
          .where(
            and(
              inArray(
                wirelessUnits.chassisId,
                receivers.map((r) => r.id),
              ),
              eq(wirelessUnits.isActive, true),
            ),
          )
      : [];
    const evaluated = new Map<string, { name: string; conditions: Conditions }>();
    const changed: WirelessUnit[] = [];
    const seen: string[] = [];
    const answered: string[] = [];
    const samples: (typeof telemetrySamples.$inferInsert)[] = [];

    for (const [i, c] of receivers.entries()) {
      const reading = readings[i];
      const mine = units.filter((u) => u.chassisId === c.id);
      report.chassis++;
      if (reading.kind === 'unreachable') {
        report.unreachable++;
        const missed = c.missedPolls + 1;
        const offline = missed >= settings.offlineAfterMissedPolls;
        if (offline && c.isOnline)
          deps.log.warn({ chassis: c.id, name: c.name, error: reading.error, missed }, 'receiver offline');
        await t.tx
          .update(chassis)
          .set({ missedPolls: missed, isOnline: c.isOnline && !offline, lastPolledAt: now })
          .where(eq(chassis.id, c.id));
        if (!offline) continue;
        for (const u of mine) {
          const next = { ...u, status: 'offline' as const, rfLowSince: null, silentSince: null };
          if (u.status !== 'offline') changed.push(next);
          evaluated.set(u.id, {
            name: u.name,
            conditions: {
              device_offline: {
                severity: 'critical',
                value: null,
                message: `${u.name} is offline: receiver ${c.name} not answering`,
              },
            },
          });
        }
        continue;
      }
      answered.push(c.id);
      if (reading.kind === 'malformed') {
        // The receiver answers, but with nothing usable: its units keep their last good state.
        report.malformed++;
        countMalformed(
          'device',
          { chassis: c.id, name: c.name, error: reading.error },
          'malformed receiver telemetry',
        );
        continue;
      }
      for (const u of mine) {
        const ch = reading.channels.get(u.slot);
        if (ch === undefined) continue;
        if (ch === 'malformed') {
          report.malformed++;
          countMalformed(
            'channel',
            { chassis: c.id, unit: u.id, slot: u.slot },
            'malformed channel telemetry',
          );
          continue;
        }
        const next = nextState(u, ch, settings, now);
        seen.push(u.id);
        if (stateChanged(u, next)) changed.push(next);
        evaluated.set(u.id, { name: u.name, conditions: conditionsOf(next, settings, now) });
        const lastSample = lastSampled.get(u.id);
        if (lastSample === undefined || now.getTime() - lastSample >= settings.historyEverySeconds * 1000) {
          lastSampled.set(u.id, now.getTime());
          samples.push({
            orgId: t.orgId,
            unitId: u.id,
            at: now,
            battery: next.battery,
            rfSignal: next.rfSignal,
            audioLevel: next.audioLevel,
            status: next.status,
          });
        }
      }
    }

    if (answered.length)
      await t.tx
        .update(chassis)
        .set({ missedPolls: 0, isOnline: true, lastPolledAt: now })
        .where(inArray(chassis.id, answered));
    await writeUnitStates(t, changed, now);
    if (seen.length)
      await t.tx.update(wirelessUnits).set({ lastSeen: now }).where(inArray(wirelessUnits.id, seen));
    if (samples.length) await t.tx.insert(telemetrySamples).values(samples);
    report.unitsUpdated += changed.length;
    report.samples += samples.length;

    const lastPrune = lastPruned.get(t.orgId);
    if (lastPrune === undefined || now.getTime() - lastPrune >= PRUNE_EVERY_MS) {
      lastPruned.set(t.orgId, now.getTime());
      await t.tx
        .delete(telemetrySamples)
        .where(lt(telemetrySamples.at, new Date(now.getTime() - settings.historyRetentionHours * 3600_000)));
    }

    const visible = changed.filter((u) =>
      visibleChange(
        units.find((o) => o.id === u.id)!,
        u,
      ),
    );
    if (visible.length) {
      const audiences = await unitAudiences(
        t,
        visible.map((u) => u.id),
      );
      for (const u of visible)
        t.publish(
          liveEvent(
            t.orgId,
            'monitoring.unit.updated',
            unitView({ ...u, lastSeen: seen.includes(u.id) ? now : u.lastSeen, updatedAt: now }),
            audiences.get(u.id)!,
          ),
        );
    }
    const engine = await evaluateAlerts(t, evaluated, now);
    report.raised += engine.raised;
    report.escalated += engine.escalated;
    report.resolved += engine.resolved;
  }

  return { apply, write, settled, countMalformed };
}

export type TelemetryWriter = ReturnType<typeof createTelemetryWriter>;

/**
 * The new state of every changed unit in one statement: a pushed sample changes hundreds of units a
 * second on a large estate, and one UPDATE per unit made each write (and every alert waiting
 * behind it in the org's queue) as slow as the number of units it carried.
 */
async function writeUnitStates(t: TenantTx, units: WirelessUnit[], now: Date) {
  if (units.length === 0) return;
  const rows = units.map((u) => ({
    id: u.id,
    status: u.status,
    battery: u.battery,
    battery_bars: u.batteryBars,
    battery_runtime_minutes: u.batteryRuntimeMinutes,
    rf_signal: u.rfSignal,
    rf_antenna: u.rfAntenna,
    audio_level: u.audioLevel,
    is_muted: u.isMuted,
    channel_name: u.channelName,
    frequency: u.frequency,
    tx_type: u.txType,
    rf_low_since: u.rfLowSince,
    silent_since: u.silentSince,
  }));
  await t.tx.execute(sql`update wireless_units u set status = v.status, battery = v.battery,
      battery_bars = v.battery_bars, battery_runtime_minutes = v.battery_runtime_minutes,
      rf_signal = v.rf_signal, rf_antenna = v.rf_antenna, audio_level = v.audio_level,
      is_muted = v.is_muted, channel_name = v.channel_name, frequency = v.frequency,
      tx_type = v.tx_type, rf_low_since = v.rf_low_since, silent_since = v.silent_since,
      updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, status text, battery int,
      battery_bars int, battery_runtime_minutes int, rf_signal int, rf_antenna text, audio_level int,
      is_muted boolean, channel_name text, frequency real, tx_type text, rf_low_since timestamptz,
      silent_since timestamptz)
    where u.id = v.id`);
}

function nextState(u: WirelessUnit, ch: ChannelReading, s: MonitoringSettings, now: Date): WirelessUnit {
  // What the receiver says of the channel itself, whether a transmitter is on or not.
  const said = {
    channelName: ch.name?.trim() || u.channelName,
    frequency: ch.frequency_mhz ?? u.frequency,
  };
  if (!ch.online) {
    // The transmitter is off: keep its last known battery/RF/audio (and type) for the technician.
    return { ...u, ...said, status: 'offline', isMuted: ch.muted, rfLowSince: null, silentSince: null };
  }
  const rf = ch.rf ? Math.round(ch.rf.level_percent) : null;
  const audio = ch.audio ? Math.round(ch.audio.level_percent) : null;
  return {
    ...u,
    ...said,
    txType: ch.tx_type === undefined ? u.txType : ch.tx_type,
    status: ch.muted ? 'muted' : 'online',
    isMuted: ch.muted,
    battery: ch.battery ? Math.round(ch.battery.percent) : null,
    batteryBars: ch.battery?.bars ?? null,
    batteryRuntimeMinutes:
      ch.battery && ch.battery.runtime_minutes !== null ? Math.round(ch.battery.runtime_minutes) : null,
    rfSignal: rf,
    rfAntenna: ch.rf?.antenna ?? null,
    audioLevel: audio,
    rfLowSince: rf !== null && rf < s.rfLossBelowPercent ? (u.rfLowSince ?? now) : null,
    // Silence only counts while unmuted: a muted mic is silent on purpose.
    silentSince: !ch.muted && audio !== null && audio < s.silenceBelowPercent ? (u.silentSince ?? now) : null,
  };
}

function conditionsOf(u: WirelessUnit, s: MonitoringSettings, now: Date): Conditions {
  if (u.status === 'offline')
    return {
      device_offline: {
        severity: 'critical',
        value: null,
        message: `${u.name} is offline: transmitter not reporting`,
      },
    };
  const lasted = (since: Date | null, seconds: number) =>
    since !== null && now.getTime() - since.getTime() >= seconds * 1000;
  return {
    device_offline: false,
    battery_low:
      u.battery === null
        ? undefined
        : u.battery <= s.batteryCriticalPercent
          ? {
              severity: 'critical',
              value: u.battery,
              message: `Battery critical on ${u.name}: ${u.battery} %`,
            }
          : u.battery <= s.batteryWarningPercent
            ? { severity: 'warning', value: u.battery, message: `Battery low on ${u.name}: ${u.battery} %` }
            : false,
    signal_loss: lasted(u.rfLowSince, s.rfLossSeconds)
      ? {
          severity: 'critical',
          value: u.rfSignal,
          message: `RF lost on ${u.name}: ${u.rfSignal} % for ${s.rfLossSeconds} s or more`,
        }
      : false,
    audio_low: lasted(u.silentSince, s.silenceSeconds)
      ? {
          severity: 'warning',
          value: u.audioLevel,
          message: `No audio on ${u.name} for ${s.silenceSeconds} s or more while unmuted`,
        }
      : false,
  };
}

const time = (d: Date | null) => d?.getTime() ?? null;

/** What a technician sees on screen. */
function visibleChange(a: WirelessUnit, b: WirelessUnit): boolean {
  return (
    a.status !== b.status ||
    a.battery !== b.battery ||
    a.batteryBars !== b.batteryBars ||
    a.batteryRuntimeMinutes !== b.batteryRuntimeMinutes ||
    a.rfSignal !== b.rfSignal ||
    a.rfAntenna !== b.rfAntenna ||
    a.audioLevel !== b.audioLevel ||
    a.isMuted !== b.isMuted ||
    a.channelName !== b.channelName ||
    a.frequency !== b.frequency ||
    a.txType !== b.txType
  );
}

function stateChanged(a: WirelessUnit, b: WirelessUnit): boolean {
  return (
    visibleChange(a, b) ||
    time(a.rfLowSince) !== time(b.rfLowSince) ||
    time(a.silentSince) !== time(b.silentSince)
  );
}
