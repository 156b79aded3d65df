import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/access/actor.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import { chassis } from './schema.ts';
import { readSettings } from './settings.ts';
import { createTelemetryWriter, emptyReport, type TelemetryDeps, type TelemetryReport } from './telemetry.ts';
import { adapterFor, type ChassisRow, type Reading } from './receiver.ts';
import { createSubscriptions, type SubscriptionOptions } from './subscriptions.ts';

/** Receivers applied per transaction of a tick. */
const SLICE = 50;

export type PollReport = TelemetryReport;

export interface PollerDeps extends TelemetryDeps {
  /** A receiver that has not answered within this is a missed poll. */
  fetchTimeoutMs?: number;
  /** Receivers read at once, across all orgs. */
  concurrency?: number;
  subscriptions?: SubscriptionOptions;
}

export interface PollOptions {
  /**
   * Keep a telemetry subscription open to every receiver and poll only those without a live one
   * (the `monitoring.poll` job). Off: every receiver is read once per tick, nothing is pushed — the
   * tests that drive the poller with their own clock.
   */
  subscribe?: boolean;
}

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

/**
 * Reads every configured, active receiver of every org and turns the readings into unit state,
 * sampled history and alerts. Network reads happen outside any transaction; each org's results
 * are then written in one tenant transaction as the system actor (telemetry.ts). Remembers, per
 * process, when it last polled each org (per-org interval). With `subscribe`, receivers that
 * stream their telemetry (subscriptions.ts) are read from their stream instead of polled.
 */
export function createPoller(deps: PollerDeps) {
  const writer = createTelemetryWriter(deps);
  const subscriptions = createSubscriptions({ ...deps, writer }, deps.subscriptions);
  const timeoutMs = deps.fetchTimeoutMs ?? 800;
  const concurrency = deps.concurrency ?? 32;
  const lastPolled = new Map<string, number>();

  const read = (c: ChassisRow, orgId: string) =>
    adapterFor(c.protocol).read(c, {
      orgId,
      timeoutMs,
      onMalformed: (context, message) => writer.countMalformed('device', context, message),
    });

  async function poll(now = new Date(), opts: PollOptions = {}): Promise<PollReport> {
    const report = emptyReport();
    // Platform step on the owner connection: which orgs have anything to poll.
    const orgs = await deps.db
      .select({ id: organizations.id })
      .from(organizations)
      .where(
        and(
          eq(organizations.isActive, true),
          sql`exists (select 1 from ${chassis} c where c.org_id = ${organizations.id}
            and c.is_active and c.ip is not null and c.port is not null)`,
        ),
      );
    if (opts.subscribe) subscriptions.keepOrgs(new Set(orgs.map((o) => o.id)));
    await mapLimit(orgs, 4, async (org) => {
      try {
        await pollOrg(org.id, now, report, opts.subscribe === true);
      } catch (err) {
        // One org's failure (a bad row, a dropped connection) must not stop the others.
        deps.log.error({ err, orgId: org.id }, 'monitoring poll of an org failed');
      }
    });
    return report;
  }

  async function pollOrg(orgId: string, now: Date, report: PollReport, subscribe: boolean) {
    const plan = await withTenant({ db: deps.db }, systemActor(orgId, 'monitoring-poller'), async (t) => {
      const settings = await readSettings(t);
      const last = lastPolled.get(orgId);
      // A little slack so a 1 s job tick is not skipped for arriving a few ms early.
      if (last !== undefined && now.getTime() - last < settings.pollIntervalMs - 50) return null;
      const receivers = await t.tx
        .select({
          id: chassis.id,
          name: chassis.name,
          ip: chassis.ip,
          port: chassis.port,
          protocol: chassis.protocol,
          model: chassis.model,
          missedPolls: chassis.missedPolls,
          isOnline: chassis.isOnline,
        })
        .from(chassis)
        .where(and(eq(chassis.isActive, true), isNotNull(chassis.ip), isNotNull(chassis.port)));
      return { settings, receivers: receivers as ChassisRow[] };
    });
    if (!plan) return;
    lastPolled.set(orgId, now.getTime());
    report.orgs++;
    if (subscribe) subscriptions.reconcile(orgId, plan.receivers);
    const streamed = new Set(subscribe ? subscriptions.live() : []);
    const polled = await mapLimit(plan.receivers, concurrency, async (c) =>
      streamed.has(c.id) ? undefined : read(c, orgId),
    );
    // In slices, each its own turn in the org's write queue: a pushed change waits for one slice
    // of a large org's tick, not the whole of it.
    for (let from = 0; from < plan.receivers.length; from += SLICE) {
      const slice = plan.receivers.slice(from, from + SLICE);
      await writer.write(orgId, async (t) => {
        // Taken in the org's turn, so it is at least as new as any pushed change already applied.
        const readings = slice.map(
          (c, i) => (subscribe ? subscriptions.reading(c.id) : undefined) ?? polled[from + i],
        );
        const receivers = slice.filter((_, i) => readings[i] !== undefined);
        await writer.apply(
          t,
          plan.settings,
          receivers,
          readings.filter((r): r is Reading => r !== undefined),
          now,
          report,
        );
      });
    }
  }

  return {
    poll,
    /** Resolves once pushed telemetry received so far is applied (tests). */
    settled: writer.settled,
    /** Chassis ids streaming telemetry right now. */
    streaming: subscriptions.live,
    /** Closes every telemetry subscription (shutdown). */
    close: () => subscriptions.close(),
  };
}

export type Poller = ReturnType<typeof createPoller>;
