import { parseArgs } from 'node:util';
import { eq, inArray } from 'drizzle-orm';
import type { RosterApp, RosterModule } from '../../core/http/app.ts';
import { simulatorTls, type SimulatorTls } from './simulator-tls.ts';
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
import { createDiscovery, type Announcements, type Discovery, type ListenTarget } from './discovery.ts';
import { startControlServer, startReceivers } from './simulator.ts';
import {
  startShureReceiver,
  type ShureControl,
  type SimulatedShureReceiver,
} from './adapters/shure/simulator.ts';
import { startSennheiserReceiver } from './adapters/sennheiser/simulator.ts';
import { startSscv2Receiver } from './adapters/sennheiser/sscv2-simulator.ts';
import { configureSscv2 } from './adapters/sennheiser/sscv2.ts';

import { migrateLegacyAssignments } from './legacy.ts';
import { inOrgFromArgs } from '../../core/cli-support.ts';

export { migrateLegacyAssignments };

export const POLL_JOB = 'monitoring.poll';
export const DISCOVERY_JOB = 'monitoring.discovery';

interface DemoSeat {
  performer: string;
  title: string;
  priority: Priority;
  battery: number;
}

interface DemoStage {
  group: string;
  description: string;
  building: string;
  room: string;
  rack: string;
  model: string;
  serial: string;
  transmitter: string;
  /** The demo user who staffs it. */
  technician: string;
  seats: DemoSeat[];
}

/**
 * Two stages, each its own monitoring group on its own Shure receiver of a different family:
 * `tech` staffs the main stage and sees only it; `stage.tech` staffs the studio.
 */
const DEMO_STAGES: DemoStage[] = [
  {
    group: 'Main Stage',
    description: 'Everything on the main stage',
    building: 'Main Hall',
    room: 'Stage',
    rack: 'Stage Rack A',
    model: 'ULXD4Q',
    serial: 'DEMO-ULXD4Q-01',
    transmitter: 'ULXD2',
    technician: 'tech',
    seats: [
      { performer: 'Alice Johnson', title: 'Lead Vocals', priority: 'critical', battery: 92 },
      { performer: 'Ben Okafor', title: 'Backing Vocals', priority: 'high', battery: 64 },
      { performer: 'Chloé Martin', title: 'Host', priority: 'high', battery: 18 },
      { performer: 'Dev Patel', title: 'Guitar', priority: 'normal', battery: 77 },
    ],
  },
  {
    group: 'Studio B',
    description: 'The broadcast studio next to the main hall',
    building: 'Main Hall',
    room: 'Studio B',
    rack: 'Studio Rack B',
    model: 'AD4D',
    serial: 'DEMO-AD4D-01',
    transmitter: 'AD1',
    technician: 'stage.tech',
    seats: [
      { performer: 'Emma Li', title: 'Keys', priority: 'low', battery: 100 },
      { performer: 'Farah Haddad', title: 'Presenter', priority: 'high', battery: 58 },
    ],
  },
];

/**
 * Demo stages: per stage a location, a Shure receiver with one unit per channel, a performer on
 * each and a monitoring group staffed by its demo technician. The receivers have no address until
 * `roster start` starts their simulators.
 */
async function seedDemo(t: TenantTx, users: Record<string, number>) {
  for (const stage of DEMO_STAGES) {
    const place = await createLocation(t, {
      building: stage.building,
      room: stage.room,
      description: `${stage.room}, stage-left rack`,
    });
    const rack = await createChassis(t, {
      name: stage.rack,
      manufacturer: 'Shure',
      model: stage.model,
      serial: stage.serial,
      firmware: stage.model.startsWith('AD') ? '1.3.14' : '2.7.6',
      locationId: place.id,
      isOnline: true,
    });
    const units = [];
    for (const [i, seat] of stage.seats.entries()) {
      units.push(
        await createUnit(t, {
          chassisId: rack.id,
          name: `CH${i + 1}`,
          model: stage.transmitter,
          serial: `${stage.serial}-CH${i + 1}`,
          slot: i + 1,
          frequency: 470.125 + (i + 1) * 0.6,
          battery: seat.battery,
          rfSignal: 80,
          audioLevel: 40,
          status: 'online',
          lastSeen: new Date(),
        }),
      );
    }
    const technician = users[stage.technician];
    const group = await createGroup(t, {
      name: stage.group,
      description: stage.description,
      members: technician ? [technician] : [],
    });
    for (const [i, seat] of stage.seats.entries()) {
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
}

const pollers = new WeakMap<RosterApp, Poller>();
const discoveries = new WeakMap<RosterApp, Discovery>();

/** The discovery listener of an app (tests start it on a port of their own with `listen`). */
export function discoveryOf(app: RosterApp): Discovery {
  const discovery = discoveries.get(app);
  if (!discovery) throw new Error('monitoring module not registered on this app');
  return discovery;
}

/** The poller of an app (tests call `poll(now)` on it with their own clock, without subscriptions). */
export function pollerOf(app: RosterApp): Poller {
  const poller = pollers.get(app);
  if (!poller) throw new Error('monitoring module not registered on this app');
  return poller;
}

/**
 * `roster start` with the demo org: a simulated Shure receiver per demo rack, speaking the real
 * command strings on a free port, with the seeded battery levels (a low one draining), so the
 * poller raises an alert within seconds through the same adapter real receivers use. The
 * simulators listen on loopback, which the outbound rule refuses: exactly their address and port
 * are allowed, to the demo org only, for as long as this process runs.
 */
async function startDemoReceivers(app: RosterApp) {
  const db = app.deps.database.db;
  const [demo] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, 'demo'));
  if (!demo) return;
  const scripted: { name: string; order: number; control(cmd: ShureControl): void }[] = [];
  await withTenant({ db, bus: app.deps.bus }, systemActor(demo.id, 'demo-simulator'), async (t) => {
    const racks = await t.tx
      .select()
      .from(chassis)
      .where(
        inArray(
          chassis.serial,
          DEMO_STAGES.map((s) => s.serial),
        ),
      );
    for (const rack of racks) {
      const units = await t.tx
        .select()
        .from(wirelessUnits)
        .where(eq(wirelessUnits.chassisId, rack.id))
        .orderBy(wirelessUnits.slot);
      const receiver = await startShureReceiver({
        model: rack.model,
        deviceId: rack.name.replace(/\s+/g, '_'),
        serial: rack.serial ?? undefined,
        jitter: true,
        batteries: units.map((u) => u.battery ?? 100),
      });
      for (const u of units) receiver.control({ channel: u.slot, name: u.name });
      const low = units.find((u) => u.battery !== null && u.battery <= 25);
      if (low) receiver.control({ channel: low.slot, drain_per_minute: 0.5 });
      allowExactly(demo.id, receiver.host, receiver.port);
      await updateChassis(t, rack.id, { ip: receiver.host, port: receiver.port, protocol: 'shure' });
      app.log.info(
        { chassis: rack.name, model: receiver.model, address: `${receiver.host}:${receiver.port}` },
        'demo Shure receiver simulator started',
      );
      announceToLocalListener(app, receiver);
      scripted.push({
        name: rack.name.replace(/\s+/g, '_'),
        order: DEMO_STAGES.findIndex((stage) => stage.serial === rack.serial),
        control: (cmd) => receiver.control(cmd),
      });
    }
  });
  // The main stage's rack first: `POST /control` scripts it, `/control/<name>` any demo rack.
  scripted.sort((a, b) => a.order - b.order);
  if (scripted.length) {
    const control = await startControlServer(scripted);
    app.log.info(
      { racks: scripted.map((r) => r.name), address: `${control.host}:${control.port}` },
      'demo receiver simulator started',
    );
  }
  // One more receiver, not in the inventory: discovery lists it with an Add button.
  const spare = await startShureReceiver({ model: 'SLXD4D', deviceId: 'Spare_Rack', jitter: true });
  allowExactly(demo.id, spare.host, spare.port);
  announceToLocalListener(app, spare);
}

/** Demo receivers announce (SLP, unicast) to this server's own discovery listener, every 30 s. */
function announceToLocalListener(app: RosterApp, receiver: SimulatedShureReceiver) {
  const listener = app.deps.config.monitoringDiscovery;
  if (!listener) return;
  const target = { address: listener.group ? '127.0.0.1' : listener.address, port: listener.port };
  const send = () => void receiver.announce(target).catch(() => {});
  const timer = setInterval(send, 30_000);
  timer.unref();
  // The listener starts at the discovery job's first tick, a few seconds after start.
  setTimeout(send, 6000).unref();
  demoTimers.add(timer);
}

/** The demo's announcement timers, stopped when the app closes. */
const demoTimers = new Set<NodeJS.Timeout>();

function printAllowHint(host: string) {
  const network = host.includes(':') ? `${host}/128` : `${host}/32`;
  console.log(
    `The server connects to ${host} only if the operator allows it: start it with ` +
      `OUTBOUND_ALLOW_NETWORKS=${network} (added to any networks already listed).`,
  );
}

/** The scripted faults `--faults` cycles through, one every 20 s on a rotating receiver and channel. */
const FAULT_SCRIPT: { says: string; fault: ShureControl; undo: ShureControl }[] = [
  { says: 'RF drop-out', fault: { rf: 5 }, undo: { rf: 80 } },
  { says: 'mute', fault: { muted: true }, undo: { muted: false } },
  { says: 'transmitter power off', fault: { online: false }, undo: { online: true } },
  { says: 'garbled lines', fault: { garbled: true }, undo: { garbled: false } },
  { says: 'slow responses (1.5 s)', fault: { slow_ms: 1500 }, undo: { slow_ms: 0 } },
  { says: 'receiver power off', fault: { offline: true }, undo: { offline: false } },
];

/** A simulated receiver of any vendor that speaks its real protocol, as the CLI drives it. */
interface VendorSimulator {
  host: string;
  port: number;
  model: string;
  state: { serial: string; channels: unknown[] };
  control(cmd: ShureControl): void;
  announce?(target: { address: string; port: number }): Promise<void>;
  close(): Promise<void>;
}

const VENDORS = {
  shure: {
    label: 'Shure',
    speaks: 'Shure command strings on port 2202 (TCP; UDP for UHF-R)',
    defaultModel: 'ULXD4Q',
    start: (o: { model: string; port: number; serial: string; drain: number }) =>
      startShureReceiver({ ...o, jitter: true, drainPerMinute: o.drain, keepProcessAlive: true }),
  },
  sennheiser: {
    label: 'Sennheiser',
    speaks: 'SSC (JSON over UDP)',
    defaultModel: 'EW-DX EM 2',
    start: (o: { model: string; port: number; serial: string; drain: number }) =>
      startSennheiserReceiver({ ...o, jitter: true, drainPerMinute: o.drain, keepProcessAlive: true }),
  },
  'sennheiser-sscv2': {
    label: 'Sennheiser',
    speaks: 'SSCv2 (REST and Server-Sent Events)',
    defaultModel: 'EW-DX EM 2',
    start: (o: { model: string; port: number; serial: string; drain: number; tls?: SimulatorTls }) =>
      startSscv2Receiver({ ...o, jitter: true, drainPerMinute: o.drain, keepProcessAlive: true }),
  },
} satisfies Record<string, { start(o: never): Promise<VendorSimulator> } & Record<string, unknown>>;

/** `roster simulate receivers --protocol shure|sennheiser|sennheiser-sscv2`: receivers speaking their vendor's protocol. */
async function simulateVendor(
  vendor: keyof typeof VENDORS,
  o: {
    count: number;
    basePort: number;
    drain: number;
    model?: string;
    faults?: boolean;
    announce?: string;
    tls?: SimulatorTls;
  },
  stop: Promise<void>,
) {
  const v = VENDORS[vendor];
  const receivers: VendorSimulator[] = [];
  try {
    for (let i = 0; i < o.count; i++)
      receivers.push(
        await v.start({
          model: o.model ?? v.defaultModel,
          port: o.basePort ? o.basePort + i : 0,
          serial: `SIM-${String(i + 1).padStart(3, '0')}`,
          drain: o.drain,
          tls: o.tls,
        }),
      );
  } catch (err) {
    await Promise.all(receivers.map((r) => r.close()));
    throw err;
  }
  const first = receivers[0];
  console.log(
    `${o.count} simulated ${v.label} ${first.model} receiver(s), ${first.state.channels.length} channel(s) ` +
      `each, speaking ${v.speaks}. Configure these chassis (manufacturer ${v.label}, model, ip:port):`,
  );
  for (const r of receivers) console.log(`  ${r.state.serial}  ${r.model}  ${r.host}:${r.port}`);
  if (vendor === 'sennheiser-sscv2')
    console.log(
      o.tls
        ? `Over HTTPS with ${o.tls.certFile}: start the server with SENNHEISER_SSCV2_CA=${o.tls.certFile} to trust it.`
        : 'Over plain HTTP: start the server with SENNHEISER_SSCV2_TLS=off (real receivers speak HTTPS; --tls-cert/--tls-key).',
    );
  printAllowHint(first.host);
  const timers: NodeJS.Timeout[] = [];
  if (o.announce) {
    const [address, port] = o.announce.split(':');
    if (!address || !Number.isInteger(Number(port))) throw new Error('--announce must be host:port');
    const send = () => {
      for (const r of receivers) r.announce?.({ address, port: Number(port) }).catch(() => {});
    };
    send();
    timers.push(setInterval(send, 5000));
    const how = vendor === 'shure' ? 'SLP' : 'mDNS';
    console.log(`Announcing (${how}) every 5 s to ${o.announce} for discovery.`);
  }
  if (o.faults) {
    let step = 0;
    let undo: (() => void) | null = null;
    timers.push(
      setInterval(() => {
        undo?.();
        const { says, fault, undo: back } = FAULT_SCRIPT[step % FAULT_SCRIPT.length];
        const rx = receivers[step % receivers.length];
        const channel = (step % rx.state.channels.length) + 1;
        const target = 'offline' in fault || 'garbled' in fault || 'slow_ms' in fault ? {} : { channel };
        rx.control({ ...fault, ...target });
        console.log(
          `fault: ${says} on ${rx.state.serial}${'channel' in target ? ` channel ${channel}` : ''}`,
        );
        undo = () => rx.control({ ...back, ...target });
        step++;
      }, 20_000),
    );
    console.log('Scripted faults every 20 s: ' + FAULT_SCRIPT.map((f) => f.says).join(', ') + '.');
  }
  console.log('Ctrl-C to stop.');
  await stop;
  for (const t of timers) clearInterval(t);
  await Promise.all(receivers.map((r) => r.close()));
}

/** Performers, wireless hardware, monitoring groups, assignments, live telemetry and alerts. */
export const monitoringModule: RosterModule = {
  name: 'monitoring',
  register(app) {
    // Receivers are the addresses this server connects to for tenants: the operator's allowed
    // networks apply from the first request on.
    configureOutbound({ allowNetworks: app.deps.config.outboundAllowNetworks });
    const discovery = createDiscovery({ log: app.log, registry: app.metrics.registry });
    discoveries.set(app, discovery);
    registerMonitoringRoutes(app, discovery);
    const poller = createPoller({
      db: app.deps.database.db,
      bus: app.deps.bus,
      log: app.log,
      registry: app.metrics.registry,
    });
    pollers.set(app, poller);
    configureSscv2(app.deps.config.sennheiserSscv2);
    // The leader of the job also holds the receivers' telemetry subscriptions (reconciled every tick).
    app.jobs.add({
      name: POLL_JOB,
      // Each org is polled at its own poll_interval_ms within this tick.
      everyMs: app.deps.config.monitoringPollMs,
      run: async () => void (await poller.poll(new Date(), { subscribe: true })),
    });
    const listenOn = {
      slp: app.deps.config.monitoringDiscovery,
      mdns: app.deps.config.monitoringDiscoveryMdns,
    } satisfies Record<Announcements, unknown>;
    // In every process: announcements reach each listener, and each answers its own requests.
    const listenErrors = new Map<Announcements, string>();
    const listen = async (source: Announcements, target: ListenTarget) => {
      if (discovery.listening(source)) return;
      await discovery.listen(target, source).then(
        (at) => {
          listenErrors.delete(source);
          app.log.info({ at, group: target.group, source }, 'receiver discovery listening');
        },
        (err: Error) => {
          // Once per distinct failure, not every tick.
          if (listenErrors.get(source) !== err.message)
            app.log.warn({ err, source }, 'receiver discovery cannot listen; trying again every tick');
          listenErrors.set(source, err.message);
        },
      );
    };
    if (listenOn.slp || listenOn.mdns)
      app.jobs.add({
        name: DISCOVERY_JOB,
        everyMs: 5000,
        eachProcess: true,
        run: async () => {
          discovery.prune();
          if (listenOn.slp) await listen('slp', listenOn.slp);
          if (listenOn.mdns) await listen('mdns', listenOn.mdns);
          discovery.ask();
        },
      });
    app.addHook('onClose', async () => {
      for (const timer of demoTimers) clearInterval(timer);
      discovery.close();
      poller.close();
      await poller.settled();
    });
  },
  async onStart(app) {
    try {
      await startDemoReceivers(app);
    } catch (err) {
      app.log.warn({ err }, 'demo receiver simulator not started');
    }
  },
  seedDemo,
  commands: {
    'simulate receivers': {
      summary:
        'serve N simulated wireless receivers until Ctrl-C [--count N] [--port P] [--channels 4] ' +
        '[--drain %/min] [--protocol roster-json|shure|sennheiser|sennheiser-sscv2] [--model ULXD4Q|"EW-DX EM 2"] [--faults] ' +
        '[--announce host:port] [--tls-cert FILE --tls-key FILE (sennheiser-sscv2 over HTTPS)]',
      run: async (_app, args) => {
        const { values } = parseArgs({
          args,
          options: {
            count: { type: 'string' },
            port: { type: 'string' },
            channels: { type: 'string' },
            drain: { type: 'string' },
            protocol: { type: 'string' },
            model: { type: 'string' },
            faults: { type: 'boolean' },
            announce: { type: 'string' },
            'tls-cert': { type: 'string' },
            'tls-key': { type: 'string' },
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
        const protocol = values.protocol ?? 'roster-json';
        if (protocol !== 'roster-json' && !(protocol in VENDORS))
          throw new Error('--protocol must be roster-json, shure, sennheiser or sennheiser-sscv2');
        const tls = simulatorTls(values['tls-cert'], values['tls-key'], protocol);
        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        if (protocol !== 'roster-json') {
          const o = {
            count,
            basePort,
            drain,
            model: values.model,
            faults: values.faults,
            announce: values.announce,
            tls,
          };
          await simulateVendor(protocol as keyof typeof VENDORS, o, stop);
          return;
        }
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
        printAllowHint(receivers[0].host);
        console.log(
          `Script one: curl -X POST http://${receivers[0].host}:${receivers[0].port}/control -d '{"channel":1,"battery":8}'`,
        );
        console.log('Ctrl-C to stop.');
        await stop;
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
