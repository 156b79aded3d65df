import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import client from 'prom-client';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { withTenant, type TenantTx } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/access/actor.ts';
import { liveEvent, type EventBus } from '../../core/events/bus.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import { chassis, telemetrySamples, wirelessUnits } from './schema.ts';
import { readSettings, type MonitoringSettings } from './settings.ts';
import { evaluateAlerts, type Conditions } from './alerts.ts';
import { unitView, type WirelessUnit } from './hardware.ts';
import { unitAudiences } from './live.ts';

/** One channel as a receiver's device API reports it (see simulator.ts for the producing side). */
const channelReading = z.object({
  slot: z.number().int().min(0),
  online: z.boolean(),
  muted: z.boolean(),
  battery: z.object({ bars: z.number().int().min(0).max(5), percent: z.number().min(0).max(100), runtime_minutes: z.number().min(0) }).nullable(),
  rf: z.object({ level_percent: z.number().min(0).max(100), level_dbm: z.number(), antenna: z.string().max(8) }).nullable(),
  audio: z.object({ level_percent: z.number().min(0).max(100), level_dbfs: z.number() }).nullable(),
});
type ChannelReading = z.infer<typeof channelReading>;
const deviceReading = z.object({ channels: z.array(z.unknown()) });

type ChassisRow = { id: string; name: string; ip: string; port: number; missedPolls: number; isOnline: boolean };
type Reading =
  | { kind: 'ok'; channels: Map<number, ChannelReading | 'malformed'> }
  | { kind: 'unreachable'; error: string }
  | { kind: 'malformed'; error: string };

export interface PollReport {
  orgs: number; chassis: number; unreachable: number; malformed: number; unitsUpdated: number; samples: number; raised: number; escalated: number; resolved: number;
}

export interface PollerDeps {
  db: Db;
  bus?: EventBus;
  log: FastifyBaseLogger;
  registry: client.Registry;
  /** A receiver that has not answered within this is a missed poll. */
  fetchTimeoutMs?: number;
  /** Receivers read at once, across all orgs. */
  concurrency?: number;
}

const MALFORMED_METRIC = 'roster_monitoring_malformed_telemetry_total';
const PRUNE_EVERY_MS = 60_000;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function malformedCounter(registry: client.Registry) {
  const existing = registry.getSingleMetric(MALFORMED_METRIC);
  if (existing) return existing as client.Counter<'reason'>;
  return new client.Counter({ name: MALFORMED_METRIC, help: 'Receiver telemetry the poller could not use (whole answer or one channel)', labelNames: ['reason'] as const, registers: [registry] });
}

/**
 * Reads every configured, active receiver of every org and turns the readings into unit state,
 * sampled history and alerts. Network reads happen outside any transaction; each org's results
 * are then written in one tenant transaction as the system actor. Remembers, per process, when it
 * last polled each org (per-org interval), sampled each unit and pruned each org's history.
 */
export function createPoller(deps: PollerDeps) {
  const malformed = malformedCounter(deps.registry);
  const timeoutMs = deps.fetchTimeoutMs ?? 800;
  const concurrency = deps.concurrency ?? 32;
  const lastPolled = new Map<string, number>();
  const lastSampled = new Map<string, number>();
  const lastPruned = new Map<string, number>();

  async function read(c: ChassisRow): Promise<Reading> {
    const host = c.ip.includes(':') ? `[${c.ip}]` : c.ip;
    let body: string;
    try {
      const res = await fetch(`http://${host}:${c.port}/api/v1/device`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return { kind: 'unreachable', error: `HTTP ${res.status}` };
      body = await res.text();
    } catch (err) {
      return { kind: 'unreachable', error: (err as Error).message };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { kind: 'malformed', error: 'not JSON' };
    }
    const device = deviceReading.safeParse(parsed);
    if (!device.success) return { kind: 'malformed', error: 'no channel list' };
    const channels = new Map<number, ChannelReading | 'malformed'>();
    for (const raw of device.data.channels) {
      const ch = channelReading.safeParse(raw);
      const slot = (raw as { slot?: unknown } | null)?.slot;
      if (ch.success) channels.set(ch.data.slot, ch.data);
      else if (typeof slot === 'number') channels.set(slot, 'malformed');
      else return { kind: 'malformed', error: 'channel without a slot' };
    }
    return { kind: 'ok', channels };
  }

  async function poll(now = new Date()): Promise<PollReport> {
    const report: PollReport = { orgs: 0, chassis: 0, unreachable: 0, malformed: 0, unitsUpdated: 0, samples: 0, raised: 0, escalated: 0, resolved: 0 };
    // Platform step on the owner connection: which orgs have anything to poll.
    const orgs = await deps.db
      .select({ id: organizations.id })
      .from(organizations)
      .where(
        and(
          eq(organizations.isActive, true),
          sql`exists (select 1 from ${chassis} c where c.org_id = ${organizations.id} and c.is_active and c.ip is not null and c.port is not null)`,
        ),
      );
    await mapLimit(orgs, 4, async (org) => {
      try {
        await pollOrg(org.id, now, report);
      } catch (err) {
        // One org's failure (a bad row, a dropped connection) must not stop the others.
        deps.log.error({ err, orgId: org.id }, 'monitoring poll of an org failed');
      }
    });
    return report;
  }

  async function pollOrg(orgId: string, now: Date, report: PollReport) {
    const actor = systemActor(orgId, 'monitoring-poller');
    const plan = await withTenant({ db: deps.db }, actor, async (t) => {
      const settings = await readSettings(t);
      const last = lastPolled.get(orgId);
      // A little slack so a 1 s job tick is not skipped for arriving a few ms early.
      if (last !== undefined && now.getTime() - last < settings.pollIntervalMs - 50) return null;
      const receivers = await t.tx
        .select({ id: chassis.id, name: chassis.name, ip: chassis.ip, port: chassis.port, missedPolls: chassis.missedPolls, isOnline: chassis.isOnline })
        .from(chassis)
        .where(and(eq(chassis.isActive, true), isNotNull(chassis.ip), isNotNull(chassis.port)));
      const units = receivers.length
        ? await t.tx.select().from(wirelessUnits).where(and(inArray(wirelessUnits.chassisId, receivers.map((r) => r.id)), eq(wirelessUnits.isActive, true)))
        : [];
      return { settings, receivers: receivers as ChassisRow[], units };
    });
    if (!plan) return;
    lastPolled.set(orgId, now.getTime());
    report.orgs++;
    const readings = await mapLimit(plan.receivers, concurrency, read);
    await withTenant({ db: deps.db, bus: deps.bus }, actor, (t) => apply(t, plan.settings, plan.receivers, plan.units, readings, now, report));
  }

  async function apply(t: TenantTx, settings: MonitoringSettings, receivers: ChassisRow[], units: WirelessUnit[], readings: Reading[], now: Date, report: PollReport) {
    const evaluated = new Map<string, { name: string; conditions: Conditions }>();
    const changed: WirelessUnit[] = [];
    const seen: string[] = [];
    const samples: (typeof telemetrySamples.$inferInsert)[] = [];

    for (const [i, c] of receivers.entries()) {
      const reading = readings[i];
      const mine = units.filter((u) => u.chassisId === c.id);
      report.chassis++;
      if (reading.kind === 'unreachable') {
        report.unreachable++;
        const missed = c.missedPolls + 1;
        const offline = missed >= settings.offlineAfterMissedPolls;
        if (offline && c.isOnline) deps.log.warn({ chassis: c.id, name: c.name, error: reading.error, missed }, 'receiver offline');
        await t.tx.update(chassis).set({ missedPolls: missed, isOnline: c.isOnline && !offline, lastPolledAt: now }).where(eq(chassis.id, c.id));
        if (!offline) continue;
        for (const u of mine) {
          const next = { ...u, status: 'offline' as const, rfLowSince: null, silentSince: null };
          if (u.status !== 'offline') changed.push(next);
          evaluated.set(u.id, { name: u.name, conditions: { device_offline: { severity: 'critical', value: null, message: `${u.name} is offline: receiver ${c.name} not answering` } } });
        }
        continue;
      }
      await t.tx.update(chassis).set({ missedPolls: 0, isOnline: true, lastPolledAt: now }).where(eq(chassis.id, c.id));
      if (reading.kind === 'malformed') {
        // The receiver answers, but with nothing usable: its units keep their last good state.
        report.malformed++;
        malformed.inc({ reason: 'device' });
        deps.log.warn({ chassis: c.id, name: c.name, error: reading.error }, 'malformed receiver telemetry');
        continue;
      }
      for (const u of mine) {
        const ch = reading.channels.get(u.slot);
        if (ch === undefined) continue;
        if (ch === 'malformed') {
          report.malformed++;
          malformed.inc({ reason: 'channel' });
          deps.log.warn({ chassis: c.id, unit: u.id, slot: u.slot }, 'malformed channel telemetry');
          continue;
        }
        const next = nextState(u, ch, settings, now);
        seen.push(u.id);
        if (stateChanged(u, next)) changed.push(next);
        evaluated.set(u.id, { name: u.name, conditions: conditionsOf(next, settings, now) });
        const lastSample = lastSampled.get(u.id);
        if (lastSample === undefined || now.getTime() - lastSample >= settings.historyEverySeconds * 1000) {
          lastSampled.set(u.id, now.getTime());
          samples.push({ orgId: t.orgId, unitId: u.id, at: now, battery: next.battery, rfSignal: next.rfSignal, audioLevel: next.audioLevel, status: next.status });
        }
      }
    }

    for (const u of changed) {
      await t.tx
        .update(wirelessUnits)
        .set({
          status: u.status, battery: u.battery, batteryBars: u.batteryBars, batteryRuntimeMinutes: u.batteryRuntimeMinutes, rfSignal: u.rfSignal, rfAntenna: u.rfAntenna,
          audioLevel: u.audioLevel, isMuted: u.isMuted, rfLowSince: u.rfLowSince, silentSince: u.silentSince, updatedAt: now,
        })
        .where(eq(wirelessUnits.id, u.id));
    }
    if (seen.length) await t.tx.update(wirelessUnits).set({ lastSeen: now }).where(inArray(wirelessUnits.id, seen));
    if (samples.length) await t.tx.insert(telemetrySamples).values(samples);
    report.unitsUpdated += changed.length;
    report.samples += samples.length;

    const lastPrune = lastPruned.get(t.orgId);
    if (lastPrune === undefined || now.getTime() - lastPrune >= PRUNE_EVERY_MS) {
      lastPruned.set(t.orgId, now.getTime());
      await t.tx.delete(telemetrySamples).where(lt(telemetrySamples.at, new Date(now.getTime() - settings.historyRetentionHours * 3600_000)));
    }

    const visible = changed.filter((u) => visibleChange(units.find((o) => o.id === u.id)!, u));
    if (visible.length) {
      const audiences = await unitAudiences(t, visible.map((u) => u.id));
      for (const u of visible) t.publish(liveEvent(t.orgId, 'monitoring.unit.updated', unitView({ ...u, lastSeen: seen.includes(u.id) ? now : u.lastSeen, updatedAt: now }), audiences.get(u.id)!));
    }
    const engine = await evaluateAlerts(t, evaluated, now);
    report.raised += engine.raised;
    report.escalated += engine.escalated;
    report.resolved += engine.resolved;
  }

  return { poll };
}

export type Poller = ReturnType<typeof createPoller>;

function nextState(u: WirelessUnit, ch: ChannelReading, s: MonitoringSettings, now: Date): WirelessUnit {
  if (!ch.online) {
    // The transmitter is off: keep its last known battery/RF/audio for the technician to read.
    return { ...u, status: 'offline', isMuted: ch.muted, rfLowSince: null, silentSince: null };
  }
  const rf = ch.rf ? Math.round(ch.rf.level_percent) : null;
  const audio = ch.audio ? Math.round(ch.audio.level_percent) : null;
  return {
    ...u,
    status: ch.muted ? 'muted' : 'online',
    isMuted: ch.muted,
    battery: ch.battery ? Math.round(ch.battery.percent) : null,
    batteryBars: ch.battery?.bars ?? null,
    batteryRuntimeMinutes: ch.battery ? Math.round(ch.battery.runtime_minutes) : null,
    rfSignal: rf,
    rfAntenna: ch.rf?.antenna ?? null,
    audioLevel: audio,
    rfLowSince: rf !== null && rf < s.rfLossBelowPercent ? (u.rfLowSince ?? now) : null,
    // Silence only counts while unmuted: a muted mic is silent on purpose.
    silentSince: !ch.muted && audio !== null && audio < s.silenceBelowPercent ? (u.silentSince ?? now) : null,
  };
}

function conditionsOf(u: WirelessUnit, s: MonitoringSettings, now: Date): Conditions {
  if (u.status === 'offline') return { device_offline: { severity: 'critical', value: null, message: `${u.name} is offline: transmitter not reporting` } };
  const lasted = (since: Date | null, seconds: number) => since !== null && now.getTime() - since.getTime() >= seconds * 1000;
  return {
    device_offline: false,
    battery_low:
      u.battery === null ? undefined
      : u.battery <= s.batteryCriticalPercent ? { severity: 'critical', value: u.battery, message: `Battery critical on ${u.name}: ${u.battery} %` }
      : u.battery <= s.batteryWarningPercent ? { severity: 'warning', value: u.battery, message: `Battery low on ${u.name}: ${u.battery} %` }
      : false,
    signal_loss: lasted(u.rfLowSince, s.rfLossSeconds) ? { severity: 'critical', value: u.rfSignal, message: `RF lost on ${u.name}: ${u.rfSignal} % for ${s.rfLossSeconds} s or more` } : false,
    audio_low: lasted(u.silentSince, s.silenceSeconds) ? { severity: 'warning', value: u.audioLevel, message: `No audio on ${u.name} for ${s.silenceSeconds} s or more while unmuted` } : false,
  };
}

const time = (d: Date | null) => d?.getTime() ?? null;

/** What a technician sees on screen. */
function visibleChange(a: WirelessUnit, b: WirelessUnit): boolean {
  return a.status !== b.status || a.battery !== b.battery || a.batteryBars !== b.batteryBars || a.batteryRuntimeMinutes !== b.batteryRuntimeMinutes || a.rfSignal !== b.rfSignal
    || a.rfAntenna !== b.rfAntenna || a.audioLevel !== b.audioLevel || a.isMuted !== b.isMuted;
}

function stateChanged(a: WirelessUnit, b: WirelessUnit): boolean {
  return visibleChange(a, b) || time(a.rfLowSince) !== time(b.rfLowSince) || time(a.silentSince) !== time(b.silentSince);
}
