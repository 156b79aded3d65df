import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import type { RosterApp, RosterModule } from '../../core/http/app.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/access/actor.ts';
import { allowExactly, configureOutbound } from '../../core/net/outbound.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import { registerMonitoringRoutes } from './routes/index.ts';
import { createChassis, createLocation, createUnit, updateChassis } from './hardware.ts';
import { createPerformer } from './performers.ts';
import { createGroup } from './groups.ts';
import { createAssignment } from './assignments.ts';
import { chassis, wirelessUnits, type Priority } from './schema.ts';
import { createPoller, type Poller } from './poller.ts';
import { startReceiver, startReceivers } from './simulator.ts';

import { migrateLegacyAssignments } from './legacy.ts';
import { inOrgFromArgs } from '../../core/cli-support.ts';

export { migrateLegacyAssignments };

const DEMO_SERIAL = 'DEMO-ULXD4Q-01';
export const POLL_JOB = 'monitoring.poll';

const DEMO_STAGE: { performer: string; title: string; priority: Priority; battery: number }[] = [
  { performer: 'Alice Johnson', title: 'Lead Vocals', priority: 'critical', battery: 92 },
  { performer: 'Ben Okafor', title: 'Backing Vocals', priority: 'high', battery: 64 },
  { performer: 'Chloé Martin', title: 'Host', priority: 'high', battery: 18 },
  { performer: 'Dev Patel', title: 'Guitar', priority: 'normal', battery: 77 },
  { performer: 'Emma Li', title: 'Keys', priority: 'low', battery: 100 },
];

/**
 * Demo stage: one location, a receiver with six channels, five performers on the first five in the
 * "Main Stage" group whose member is the demo technician `tech`; the sixth channel is a spare. The
 * receiver has no address until `roster start` starts its simulator.
 */
async function seedDemo(t: TenantTx, users: Record<string, number>) {
  const stage = await createLocation(t, {
    building: 'Main Hall',
    room: 'Stage',
    description: 'Main stage, stage-left rack',
  });
  const rack = await createChassis(t, {
    name: 'Stage Rack A',
    manufacturer: 'Shure',
    model: 'ULXD4Q',
    serial: DEMO_SERIAL,
    firmware: '2.7.6',
    locationId: stage.id,
    isOnline: true,
  });
  const units = [];
  for (let slot = 1; slot <= 6; slot++) {
    const seat = DEMO_STAGE[slot - 1];
    units.push(
      await createUnit(t, {
        chassisId: rack.id,
        name: `CH${slot}`,
        model: 'ULXD2',
        serial: `DEMO-CH${slot}`,
        slot,
        frequency: 470.125 + slot * 0.6,
        battery: seat?.battery ?? null,
        rfSignal: seat ? 80 : null,
        audioLevel: seat ? 40 : null,
        status: seat ? 'online' : 'idle',
        lastSeen: seat ? new Date() : null,
      }),
    );
  }
  const members = users.tech ? [users.tech] : [];
  const group = await createGroup(t, {
    name: 'Main Stage',
    description: 'Everything on the main stage',
    members,
  });
  for (const [i, seat] of DEMO_STAGE.entries()) {
    const performer = await createPerformer(t, { name: seat.performer, title: seat.title });
    await createAssignment(t, {
      performerId: performer.id,
      wirelessUnitId: units[i].id,
      monitoringGroupId: group.id,
      priority: seat.priority,
      notes: `${seat.title} microphone`,
    });
  }
}

const pollers = new WeakMap<RosterApp, Poller>();

/** The poller of an app (tests call `poll(now)` on it with their own clock, without subscriptions). */
export function pollerOf(app: RosterApp): Poller {
  const poller = pollers.get(app);
  if (!poller) throw new Error('monitoring module not registered on this app');
  return poller;
}

/**
 * `roster start` with the demo org: a simulated receiver for the demo rack, on a free port, with
 * the seeded battery levels (CH3 low and draining), so the poller raises an alert within seconds.
 * The simulator listens on loopback, which the outbound rule refuses: exactly its address and port
 * are allowed, to the demo org only, for as long as this process runs.
 */
async function startDemoReceiver(app: RosterApp) {
  const db = app.deps.database.db;
  const [demo] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, 'demo'));
  if (!demo) return;
  await withTenant({ db, bus: app.deps.bus }, systemActor(demo.id, 'demo-simulator'), async (t) => {
    const [rack] = await t.tx.select().from(chassis).where(eq(chassis.serial, DEMO_SERIAL));
    if (!rack) return;
    const units = await t.tx
      .select()
      .from(wirelessUnits)
      .where(eq(wirelessUnits.chassisId, rack.id))
      .orderBy(wirelessUnits.slot);
    const receiver = await startReceiver({
      channels: units.length,
      serial: DEMO_SERIAL,
      model: rack.model,
      jitter: true,
      batteries: units.map((u) => u.battery ?? 100),
    });
    const low = units.find((u) => u.battery !== null && u.battery <= 25);
    if (low) receiver.control({ channel: low.slot, drain_per_minute: 0.5 });
    allowExactly(demo.id, receiver.host, receiver.port);
    await updateChassis(t, rack.id, { ip: receiver.host, port: receiver.port });
    app.log.info(
      { chassis: rack.name, address: `${receiver.host}:${receiver.port}` },
      'demo receiver simulator started',
    );
  });
}

/** Performers, wireless hardware, monitoring groups, assignments, live telemetry and alerts. */
export const monitoringModule: RosterModule = {
  name: 'monitoring',
  register(app) {
    // Receivers are the addresses this server connects to for tenants: the operator's allowed
    // networks apply from the first request on.
    configureOutbound({ allowNetworks: app.deps.config.outboundAllowNetworks });
    registerMonitoringRoutes(app);
    const poller = createPoller({
      db: app.deps.database.db,
      bus: app.deps.bus,
      log: app.log,
      registry: app.metrics.registry,
    });
    pollers.set(app, poller);
    // The leader of the job also holds the receivers' telemetry subscriptions (reconciled every tick).
    app.jobs.add({
      name: POLL_JOB,
      // Each org is polled at its own poll_interval_ms within this tick.
      everyMs: app.deps.config.monitoringPollMs,
      run: async () => void (await poller.poll(new Date(), { subscribe: true })),
    });
    app.addHook('onClose', async () => {
      poller.close();
      await poller.settled();
    });
  },
  async onStart(app) {
    try {
      await startDemoReceiver(app);
    } catch (err) {
      app.log.warn({ err }, 'demo receiver simulator not started');
    }
  },
  seedDemo,
  commands: {
    'simulate receivers': {
      summary:
        'serve N simulated wireless receivers until Ctrl-C [--count N] [--port P] [--channels 4] [--drain %/min]',
      run: async (_app, args) => {
        const { values } = parseArgs({
          args,
          options: {
            count: { type: 'string' },
            port: { type: 'string' },
            channels: { type: 'string' },
            drain: { type: 'string' },
          },
          allowPositionals: false,
        });
        const int = (v: string | undefined, fallback: number, name: string, min: number, max: number) => {
          const n = v === undefined ? fallback : Number(v);
          if (!Number.isInteger(n) || n < min || n > max)
            throw new Error(`--${name} must be an integer ${min}–${max}`);
          return n;
        };
        const count = int(values.count, 1, 'count', 1, 1000);
        const channels = int(values.channels, 4, 'channels', 1, 64);
        const basePort = int(values.port, 0, 'port', 0, 65535 - count);
        const drain = values.drain === undefined ? 0 : Number(values.drain);
        if (!Number.isFinite(drain) || drain < 0 || drain > 100)
          throw new Error('--drain must be a number 0–100 (percent per minute)');
        const receivers = await startReceivers(count, {
          basePort,
          channels,
          jitter: true,
          drainPerMinute: drain,
          keepProcessAlive: true,
        });
        console.log(
          `${count} simulated receiver(s), ${channels} channel(s) each. Configure these chassis (ip:port):`,
        );
        for (const r of receivers) console.log(`  ${r.state.serial}  ${r.host}:${r.port}`);
        const host = receivers[0].host;
        const network = host.includes(':') ? `${host}/128` : `${host}/32`;
        console.log(
          `The server connects to ${host} only if the operator allows it: start it with ` +
            `OUTBOUND_ALLOW_NETWORKS=${network} (added to any networks already listed).`,
        );
        console.log(
          `Script one: curl -X POST http://${receivers[0].host}:${receivers[0].port}/control -d '{"channel":1,"battery":8}'`,
        );
        console.log('Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await Promise.all(receivers.map((r) => r.close()));
      },
    },
    'monitoring migrate-legacy': {
      summary:
        'turn legacy user→channel DeviceAssignments into performers and PerformerAssignments [--org slug]',
      run: async (app, args) => {
        const report = await inOrgFromArgs(app, args, 'cli:migrate-legacy', (t) =>
          migrateLegacyAssignments(t),
        );
        console.log(
          `created performers: ${report.created_performers}, ` +
            `created assignments: ${report.created_assignments}, ` +
            `skipped (already migrated): ${report.skipped}`,
        );
      },
    },
  },
};
