/**
 * `npm run bench`: Roster under load on this machine, against a real Postgres and on the embedded
 * database (PGlite in DATA_DIR, the default when DATABASE_URL is unset).
 *
 * Creates its own database next to DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
 * and an embedded data folder in the temp directory, generates the bench data (bench/data.ts) in
 * each, starts one `roster start` on each and a ceiling server as child processes on 127.0.0.1,
 * then drives each scenario with autocannon for BENCH_SECONDS (default 8) with BENCH_CONNECTIONS
 * (default 10) connections (badge scans: BENCH_SCAN_CONNECTIONS, default 30; the load comparison
 * of both databases: BENCH_LOAD_CONNECTIONS, default 20 and 80). Prints one table (req/s, p50/p99
 * latency, server CPU and RSS, ratio to both ceilings) and writes bench/results.json. Everything
 * it created is removed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Request, type Result } from 'autocannon';
import { WebSocket } from 'ws';
import { startShureReceiver } from '../src/modules/monitoring/adapters/shure/simulator.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../src/core/db/client.ts';
import { lacksAutovacuum, refreshStatistics } from '../src/core/db/statistics.ts';
import {
  call,
  createDatabase,
  freePort,
  ROOT,
  startServer,
  type ServerProcess,
} from '../test/support/processes.ts';
import { BENCH, generate, type BenchData } from './data.ts';
import { paced, type PacedResult } from './paced.ts';
import {
  apiKeyOf,
  checkReads,
  directoryLogin,
  generateDirectory,
  readScenarios,
  type Directory,
} from './scenarios-reads.ts';
import { messageText } from '../src/core/events/live.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** Door scanners scanning at once: three devices at each of the 10 doors. */
const SCAN_CONNECTIONS = Number(process.env.BENCH_SCAN_CONNECTIONS ?? 30);
const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-not-for-production';
/** Connections of the load comparison, each scenario on Postgres and on the embedded database. */
const LOAD_CONNECTIONS = (process.env.BENCH_LOAD_CONNECTIONS ?? '20,80').split(',').map(Number);
/** A folder: the Roster servers write a CPU profile there (bench/cpu-profile.mjs; stopped with SIGTERM so they can). */
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s

interface ProcSample {
  ticks: number;
  pgTicks: Map<string, number>;
  rssMb: number;
  at: number;
}

/** utime + stime of a `/proc/<pid>/stat` line: fields 14 and 15, counted after the command name (which may contain spaces). */
function cpuTicksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * CPU ticks of local `postgres` processes by pid: those given (the bench database's backends), or
 * every one when Postgres serves only the bench; empty when Postgres runs elsewhere.
 */
function postgresTicks(pids?: string[]): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const entry of pids ?? fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) ticks.set(entry, cpuTicksOf(stat));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}

/**
 * With BENCH_PG_SHARED=1, the backends connected to the bench database: on a Postgres that other
 * work uses too, counting every `postgres` process charges that work to the scenario. Background
 * processes (WAL writer, checkpointer) are then left out, so writes read a little low.
 */
let benchBackends: (() => Promise<string[]>) | undefined;

async function watchBenchBackends(url: string) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  benchBackends = async () => {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return rows.map((r) => String(r.pid));
  };
  return client;
}

/**
 * Postgres CPU between two samples, as % of one core: processes alive at the end count from the
 * start (or from birth); a backend that ended in between is missed, so this is a lower bound.
 */
function postgresCpuPct(before: ProcSample, after: ProcSample): number {
  let ticks = 0;
  for (const [pid, t] of after.pgTicks) ticks += t - (before.pgTicks.get(pid) ?? 0);
  return Math.round((ticks / CLOCK_TICKS / ((after.at - before.at) / 1000)) * 100);
}

async function sample(pid: number): Promise<ProcSample> {
  const pgTicks = postgresTicks(benchBackends ? await benchBackends() : undefined);
  const ticks = cpuTicksOf(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { ticks, pgTicks, rssMb: rssKb / 1024, at: Date.now() };
}

/** Where a scenario's requests go: the ceiling server, or Roster on either database. */
type Target = 'ceiling' | 'postgres' | 'embedded';

/** What a scenario's requests are built from: one Roster server's data and the tokens it issued. */
interface Context {
  data: BenchData;
  tokens: Tokens;
}

interface Tokens {
  admin: string;
  tech: string;
  controllers: string[];
  screens: { token: string; etag: string }[];
}

interface Scenario {
  name: string;
  /** What the scenario stands for, printed in results.json. */
  what: string;
  target: Target;
  requests(c: Context): Request[];
  /** Status codes that count as a correct answer (others are reported as errors). */
  ok: number[];
  /** Concurrent connections, when not BENCH_CONNECTIONS. */
  connections?: number;
  /** A fixed request rate (requests/s) instead of as fast as the server answers. */
  rate?: number;
}

interface Row {
  scenario: string;
  connections: number;
  what: string;
  req_per_s: number;
  p50_ms: number;
  p99_ms: number;
  server_cpu_pct: number;
  cpu_ms_per_req: number;
  postgres_cpu_pct: number;
  /** Postgres CPU per request (all local postgres processes), beside the server's. */
  pg_cpu_ms_per_req: number;
  server_rss_mb: number;
  vs_constant: number;
  vs_pg_pk: number;
  requests: number;
  unexpected: number;
  statuses: Record<string, number>;
}

async function run(
  url: string,
  requests: Request[],
  seconds: number,
  connections: number,
  rate?: number,
): Promise<Result | PacedResult> {
  // A fixed rate is paced evenly (paced.ts says why not autocannon's).
  if (rate) return paced({ url, requests, rate, seconds, connections, timeoutSeconds: 10 });
  return autocannon({ url, connections, duration: seconds, timeout: 10, requests });
}

/**
 * Run on the bench database after each scenario's warm-up: what autovacuum would have done by then
 * on a database in service (ANALYZE of the tables that filled). This machine's Postgres runs with
 * autovacuum off, and Roster's own stand-in looks only once a minute, so without it a scenario's
 * plans are made on the figures of the tables it found empty (docs/performance.md).
 */
let autoanalyze: (() => Promise<unknown>) | undefined;

async function measure(
  scenario: Scenario,
  requests: Request[],
  url: string,
  pid: number,
): Promise<Omit<Row, 'vs_constant' | 'vs_pg_pk'>> {
  const connections = scenario.connections ?? CONNECTIONS;
  if (WARMUP_SECONDS > 0) await run(url, requests, WARMUP_SECONDS, connections, scenario.rate);
  if (scenario.target === 'postgres') await autoanalyze?.();
  const before = await sample(pid);
  const result = await run(url, requests, SECONDS, connections, scenario.rate);
  const after = await sample(pid);
  const wall = (after.at - before.at) / 1000;
  const cpuSeconds = (after.ticks - before.ticks) / CLOCK_TICKS;
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
  );
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const good = scenario.ok.reduce((sum, code) => sum + (statuses[code] ?? 0), 0);
  const pgCpuPct = postgresCpuPct(before, after);
  return {
    scenario: scenario.name,
    connections,
    what: scenario.what,
    req_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    server_cpu_pct: Math.round((cpuSeconds / wall) * 100),
    cpu_ms_per_req: total ? Number(((cpuSeconds * 1000) / total).toFixed(2)) : 0,
    postgres_cpu_pct: pgCpuPct,
    pg_cpu_ms_per_req: total ? Number((((pgCpuPct / 100) * wall * 1000) / total).toFixed(2)) : 0,
    server_rss_mb: Math.round(after.rssMb),
    requests: total,
    unexpected: total - good + result.errors + result.timeouts,
    statuses,
  };
}

const json = (token?: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
  ...extra,
});

/** A request whose headers/body change on every call, cycling through `values`. */
function rotating<T>(values: T[], build: (v: T, i: number) => Request): Request {
  let i = 0;
  return {
    setupRequest: (req) => {
      const n = i++;
      return { ...req, ...build(values[n % values.length], n) };
    },
  };
}

async function login(server: ServerProcess, username: string) {
  const res = await call(server.base, 'POST', '/api/auth/login', {
    body: { username, password: BENCH.password, org: 'bench' },
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** Pairs screens through the public pairing flow (claim by the admin, then the screen collects its token). */
async function pairScreens(server: ServerProcess, adminToken: string, wanted: number) {
  const tokens: string[] = [];
  for (let i = 0; i < wanted; i++) {
    const pairing = await call(server.base, 'POST', '/api/device/pair');
    const claim = await call(server.base, 'POST', '/api/signage/devices/claim', {
      token: adminToken,
      body: { code: pairing.body.code, name: `Bench screen ${i + 1}` },
    });
    if (claim.status !== 201)
      throw new Error(`claiming a screen: ${claim.status} ${JSON.stringify(claim.body)}`);
    const collected = await call<'GET', string, { device_token: string }>(
      server.base,
      'GET',
      `/api/device/pair/${pairing.body.pairing_secret}`,
    );
    tokens.push(collected.body.device_token);
  }
  return tokens;
}

/** Screens paired on the Postgres server for the polling scenarios. */
const SCREENS = 20;

const performersWhat = `GET /api/monitoring/me/performers?limit=50 as a technician in ${BENCH.techGroups} of ${BENCH.groups} groups, ${BENCH.performers} performers in the org`;
const scansWhat = `POST ${'/api/events/events/:id/scans'}: ${BENCH.participants} checked-in badges at ${BENCH.rooms} room doors, one controller each`;
const writeMixWhat =
  'admin writes in turn: assignment notes (PATCH), new badge (POST), new performer (POST), all audited';

const performersRequests = ({ tokens }: Context): Request[] => [
  { method: 'GET', path: '/api/monitoring/me/performers?limit=50', headers: json(tokens.tech) },
];

function scanRequests({ data, tokens }: Context): Request[] {
  const event = `/api/events/events/${data.eventId}`;
  // Each pass over the badges shifts them one door further, so most scans move a badge from one
  // room to another (occupancy out and in) rather than answering "already in room".
  const doors = tokens.controllers.length;
  // Built once: the load generator shares the two cores with what it measures.
  const scans: Request[] = Array.from({ length: doors }, (_, pass) =>
    data.qrs.map((qr, i) => ({
      method: 'POST' as const,
      path: `${event}/scans`,
      headers: json(tokens.controllers[(i + pass) % doors]),
      // Everything but the nonce; each request closes it with its own, as a scanning device does.
      body: JSON.stringify({ qr, direction: 'in' }).slice(0, -1),
    })),
  ).flat();
  const run = randomUUID();
  return [rotating(scans, (s, n) => ({ ...s, body: `${s.body as string},"nonce":"${run}-${n}"}` }))];
}

function writeMixRequests({ data, tokens }: Context): Request[] {
  const event = `/api/events/events/${data.eventId}`;
  return [
    rotating(data.assignmentIds, (id, i) => {
      switch (i % 3) {
        case 0:
          return {
            method: 'PATCH',
            path: `/api/monitoring/assignments/${id}`,
            headers: json(tokens.admin),
            body: JSON.stringify({ notes: `bench note ${i}` }),
          };
        case 1:
          return {
            method: 'POST',
            path: `${event}/participants`,
            headers: json(tokens.admin),
            body: JSON.stringify({ full_name: `Walk-in ${i}` }),
          };
        default:
          return {
            method: 'POST',
            path: '/api/monitoring/performers',
            headers: json(tokens.admin),
            body: JSON.stringify({ name: `Extra ${i}`, title: 'Bench' }),
          };
      }
    }),
  ];
}

const pollRequests = ({ tokens }: Context): Request[] => [
  rotating(tokens.screens, (s, i) => ({
    method: 'GET' as const,
    path: '/api/device/playlist',
    headers: json(s.token, i % 10 === 9 ? {} : { 'if-none-match': s.etag }),
  })),
];

/** Players connected to the live channel for the emergency push. */
const LIVE_PLAYERS = Number(process.env.BENCH_LIVE_PLAYERS ?? 1000);
const EMERGENCY_ROW = 'emergency → 1,000 players';

/** Plays per report: a screen showing 10-second slides sends six each minute. */
const PLAYS_PER_BATCH = 6;
/** 10,000 screens each reporting once a minute. */
const PLAY_REPORTS_PER_SECOND = Math.round(10_000 / 60);

/** Play reports of distinct plays (each batch its own client ids), in turn from every screen. */
function playReportRequests({ tokens }: Context): Request[] {
  const asset = '01900000-0000-7000-8000-00000000a55e';
  const batches = Array.from({ length: 4000 }, (_, b) => {
    const at = Date.now() - 3600_000 + b * 1000;
    const plays = Array.from({ length: PLAYS_PER_BATCH }, (_, i) => ({
      client_id: `bench-${b}-${i}-${Math.random().toString(36).slice(2)}`,
      asset_id: asset,
      started_at: new Date(at + i * 10_000).toISOString(),
      duration_ms: 10_000,
      outcome: 'completed',
    }));
    return { screen: tokens.screens[b % tokens.screens.length], body: JSON.stringify({ plays }) };
  });
  return [
    rotating(batches, (b) => ({
      method: 'POST' as const,
      path: '/api/device/plays',
      headers: json(b.screen.token),
      body: b.body,
    })),
  ];
}

/**
 * The technician's list, door scans and the write mix at each of LOAD_CONNECTIONS, on one
 * database: run for both, they put the embedded default beside Postgres under the same load.
 */
const loadScenarios = (target: 'postgres' | 'embedded'): Scenario[] =>
  LOAD_CONNECTIONS.flatMap((connections) => [
    {
      name: `${target}: performers I may see`,
      what: performersWhat,
      target,
      requests: performersRequests,
      ok: [200],
      connections,
    },
    {
      name: `${target}: badge scans`,
      what: scansWhat,
      target,
      requests: scanRequests,
      ok: [200],
      connections,
    },
    {
      name: `${target}: write mix`,
      what: writeMixWhat,
      target,
      requests: writeMixRequests,
      ok: [200, 201],
      connections,
    },
  ]);

const SCENARIOS: Scenario[] = [
  {
    name: 'ceiling: constant',
    what: 'Fastify returning a constant (no application code)',
    target: 'ceiling',
    requests: () => [{ method: 'GET', path: '/constant' }],
    ok: [200],
  },
  {
    name: 'ceiling: pg pk select',
    what: 'Fastify + one primary-key select through pg (pool of 10)',
    target: 'ceiling',
    requests: () => [{ method: 'GET', path: '/pk' }],
    ok: [200],
  },
  {
    name: 'login',
    what: `POST /api/auth/login, ${BENCH.loginUsers} users in turn (scrypt)`,
    target: 'postgres',
    requests: ({ data }) => [
      rotating(data.loginUsers, (username) => ({
        method: 'POST',
        path: '/api/auth/login',
        headers: json(),
        body: JSON.stringify({ username, password: BENCH.password, org: 'bench' }),
      })),
    ],
    ok: [200],
  },
  {
    name: 'auth/me',
    what: 'GET /api/auth/me with a session token',
    target: 'postgres',
    requests: ({ tokens }) => [{ method: 'GET', path: '/api/auth/me', headers: json(tokens.admin) }],
    ok: [200],
  },
  {
    name: 'performers I may see',
    what: performersWhat,
    target: 'postgres',
    requests: performersRequests,
    ok: [200],
  },
  {
    name: 'badge scans',
    what: scansWhat,
    target: 'postgres',
    requests: scanRequests,
    ok: [200],
    connections: SCAN_CONNECTIONS,
  },
  {
    name: 'device polls',
    what: `GET /api/device/playlist from ${SCREENS} screens, 9 in 10 with If-None-Match (304)`,
    target: 'postgres',
    requests: pollRequests,
    ok: [200, 304],
  },
  {
    // The signage target is stated at this rate (10,000 screens polling every 10 s): the server's
    // CPU at 1,000 polls/s, measured rather than extrapolated from the saturated run.
    name: 'device polls at 1,000/s',
    what: `the same polls at a fixed 1,000 requests/s`,
    target: 'postgres',
    requests: pollRequests,
    ok: [200, 304],
    rate: 1000,
  },
  {
    name: 'play reports at 10,000 screens/min',
    what: `POST /api/device/plays, ${PLAYS_PER_BATCH} plays per batch, ${PLAY_REPORTS_PER_SECOND} batches/s (10,000 screens reporting once a minute) from ${SCREENS} screens`,
    target: 'postgres',
    requests: playReportRequests,
    ok: [200],
    rate: PLAY_REPORTS_PER_SECOND,
  },
  {
    name: 'write mix',
    what: writeMixWhat,
    target: 'postgres',
    requests: writeMixRequests,
    ok: [200, 201],
  },
  ...loadScenarios('postgres'),
  ...loadScenarios('embedded'),
];

function table(rows: Row[]) {
  const header = [
    'scenario',
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU %',
    'CPU ms/req',
    'PG CPU %',
    'PG ms/req',
    'RSS MB',
    '÷ constant',
    '÷ pg pk',
    'unexpected',
  ];
  const lines = rows.map((r) =>
    [
      r.scenario,
      r.connections || '—',
      r.req_per_s,
      r.p50_ms,
      r.p99_ms,
      r.server_cpu_pct,
      r.cpu_ms_per_req,
      r.postgres_cpu_pct,
      r.pg_cpu_ms_per_req || '—',
      r.server_rss_mb,
      r.vs_constant ? r.vs_constant.toFixed(3) : '—',
      r.vs_pg_pk ? r.vs_pg_pk.toFixed(3) : '—',
      r.unexpected,
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    fmt(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...lines.map(fmt),
  ].join('\n');
}

function waitForLine(proc: ChildProcess, text: string, ms: number) {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`ceiling server did not start: ${out}`)), ms);
    proc.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    proc.once('exit', () => reject(new Error(`ceiling server exited: ${out}`)));
  });
}

/** One Roster server under test, the data in its database and the tokens it issued. */
interface Roster {
  server: ServerProcess;
  context: Context;
  /** RSS once started and settled, before any request: what an idle instance holds. */
  idleRssMb: number;
}

/** Server environment of both databases. LOG_LEVEL=warn: one JSON line per request would measure the log pipe as much as the server. */
const SERVER_ENV = {
  ...(CPU_PROF
    ? { NODE_OPTIONS: `--import=${path.join(ROOT, 'bench', 'cpu-profile.mjs')}`, BENCH_CPU_PROF: CPU_PROF }
    : {}),
  REDIS_URL: '',
  ROSTER_SECRET: SECRET,
  ROSTER_DEMO_PASSWORD: BENCH.password,
  LOG_LEVEL: 'warn',
  // The simulated receivers listen on loopback, which tenants' receivers may not use by default.
  OUTBOUND_ALLOW_NETWORKS: '127.0.0.0/8',
};

/** The read scenarios of the directory org: the user list of a unit and `me` by API key. */
async function runReads(
  server: ServerProcess,
  directory: Directory,
  runAll: (scenarios: Scenario[], url: string, pid: number, context?: Context) => Promise<void>,
  context: Context,
) {
  const tokens = {
    directoryAdmin: await directoryLogin(server, directory, BENCH.password),
    apiKey: await apiKeyOf(server, context.tokens.admin),
  };
  await checkReads(server, directory, tokens);
  const reads: Scenario[] = readScenarios(directory, tokens)
    .map((r) => ({
      ...r,
      name: `postgres: ${r.name}`,
      target: 'postgres' as const,
      requests: () => r.requests,
    }))
    .filter((r) => !ONLY || ONLY.test(r.name));
  await runAll(reads, server.base, server.pid, context);
}

/** Generates the bench data in a database (migrated first), then gathers planner statistics. */
async function load(database: Database): Promise<BenchData> {
  await database.migrate();
  const data = await generate(database.db, SECRET);
  // Statistics of the tables that filled, as autovacuum gathers them in service: without them the
  // planner guesses at which index finds a badge (docs/performance.md).
  await refreshStatistics(database.db);
  return data;
}

/** Starts `roster start` with `env`, lets it settle, logs in its users and checks the scenarios' premises. */
async function startRoster(
  target: 'postgres' | 'embedded',
  env: Record<string, string>,
  data: BenchData,
  screens: number,
): Promise<Roster> {
  const server = await startServer({ name: `bench-${target}`, env: { ...SERVER_ENV, ...env } });
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idleRssMb = Math.round((await sample(server.pid)).rssMb);
    const admin = await login(server, data.admin);
    const tech = await login(server, data.technician);
    const controllers = [];
    for (const c of data.controllers) controllers.push(await login(server, c));
    const screenTokens = await pairScreens(server, admin, screens);
    const paired = [];
    for (const token of screenTokens) {
      const first = await call(server.base, 'GET', '/api/device/playlist', { token });
      paired.push({ token, etag: first.headers.get('etag') ?? '' });
    }
    // Sanity: the scenarios measure real answers, not refusals.
    const mine = await call(server.base, 'GET', '/api/monitoring/me/performers?limit=50', { token: tech });
    if (mine.status !== 200 || mine.body.items.length !== Math.min(50, data.technicianPerformers))
      throw new Error(`me/performers: ${mine.status} ${JSON.stringify(mine.body).slice(0, 300)}`);
    const probe = await call(server.base, 'POST', `/api/events/events/${data.eventId}/scans`, {
      token: controllers[0],
      body: { qr: data.qrs[0] },
    });
    if (probe.status !== 200 || probe.body.status !== 'granted')
      throw new Error(`scan: ${probe.status} ${JSON.stringify(probe.body).slice(0, 300)}`);
    return { server, context: { data, tokens: { admin, tech, controllers, screens: paired } }, idleRssMb };
  } catch (err) {
    await stop(server);
    throw err;
  }
}

async function stop(server: ServerProcess) {
  await server.kill(CPU_PROF ? 'SIGTERM' : 'SIGKILL');
  server.cleanup();
}

async function main() {
  const started = Date.now();
  const loadavgAtStart = os.loadavg();
  const plan = SCENARIOS.filter((s) => !ONLY || s.target === 'ceiling' || ONLY.test(s.name));
  const telemetry = !ONLY || ONLY.test('telemetry → alert');
  const fanOut = !ONLY || ONLY.test(EMERGENCY_ROW);
  const uploads = !ONLY || ONLY.test('offline queue upload');
  const wants = (target: Target) => plan.some((s) => s.target === target);
  const target = await createDatabase(BASE_URL, 'roster_bench');
  let statistics: Database | undefined;
  const watcher = process.env.BENCH_PG_SHARED === '1' ? await watchBenchBackends(target.url) : undefined;
  const embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-bench-embedded-'));
  let ceiling: ChildProcess | undefined;
  const running = new Set<ServerProcess>();
  try {
    console.log(`bench database ${target.name}; generating data…`);
    const database = await openDatabase({ url: target.url, poolSize: 4 });
    const data = await load(database);
    // The user list's directory (an org of its own, beyond the bench org's member cap), Postgres only.
    const readsWanted = ['postgres: users of a unit', 'postgres: auth/me by API key'].some(
      (name) => !ONLY || ONLY.test(name),
    );
    const directory = readsWanted ? await generateDirectory(database.db, BENCH.password) : undefined;
    if (directory) await refreshStatistics(database.db);
    // What autovacuum does to tables that filled, where it runs: a vacuum sets their visibility
    // map, so an index-only scan (the user list's count) reads no table pages.
    if (await lacksAutovacuum(database)) await database.db.execute(sql`vacuum (analyze)`);
    const [{ version }] = await queryRows<{ version: string }>(database.db, sql`select version()`);
    await database.close();
    statistics = await openDatabase({ url: target.url, poolSize: 1 });
    autoanalyze = () => refreshStatistics(statistics!.db);
    console.log(
      `data ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${BENCH.performers} performers, ${BENCH.groups} groups, ${BENCH.participants} badges; technician sees ${data.technicianPerformers}`,
    );
    // The embedded database gets the same data, written by this process before the server owns
    // the folder (as `roster start` would find it after a restore).
    const embeddedData = wants('embedded')
      ? await (async () => {
          const at = Date.now();
          const embedded = await openDatabase({ dataDir: path.join(embeddedDir, 'pglite') });
          try {
            return await load(embedded);
          } finally {
            await embedded.close();
            console.log(`embedded data ready in ${((Date.now() - at) / 1000).toFixed(1)} s`);
          }
        })()
      : undefined;

    const ceilingPort = await freePort();
    ceiling = spawn(process.execPath, ['--import', 'tsx', 'bench/ceiling-server.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(ceilingPort),
        DATABASE_URL: target.url,
        BENCH_ORG_ID: data.org.id,
        BENCH_PK_IDS: await performerIds(target.url, data.org.id),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForLine(ceiling, 'ceiling server ready', 30_000);

    const rows: Row[] = [];
    const servers: Record<string, { idle_rss_mb: number; rss_after_mb: number }> = {};
    const runAll = async (scenarios: Scenario[], url: string, pid: number, context?: Context) => {
      for (const s of scenarios) {
        process.stdout.write(`${s.name} (${s.connections ?? CONNECTIONS})… `);
        const m = await measure(s, s.requests(context!), url, pid);
        rows.push({ ...m, vs_constant: 0, vs_pg_pk: 0 });
        console.log(`${m.req_per_s} req/s, p99 ${m.p99_ms} ms`);
      }
    };
    await runAll(
      plan.filter((s) => s.target === 'ceiling'),
      `http://127.0.0.1:${ceilingPort}`,
      ceiling.pid!,
    );
    const rosters: Array<[Target, () => Promise<Roster>]> = [
      [
        'postgres',
        () => startRoster('postgres', { DATABASE_URL: target.url }, data, wants('postgres') ? SCREENS : 0),
      ],
      // No DATABASE_URL: the embedded default, in the data folder loaded above.
      [
        'embedded',
        () => startRoster('embedded', { DATABASE_URL: '', DATA_DIR: embeddedDir }, embeddedData!, 0),
      ],
    ];
    for (const [kind, start] of rosters) {
      if (!wants(kind) && !(kind === 'postgres' && (telemetry || directory || fanOut || uploads))) continue;
      const roster = await start();
      running.add(roster.server);
      const { server, context } = roster;
      await runAll(
        plan.filter((s) => s.target === kind),
        server.base,
        server.pid,
        context,
      );
      if (kind === 'postgres' && directory) await runReads(server, directory, runAll, context);
      if (kind === 'postgres' && telemetry) {
        process.stdout.write('telemetry → alert… ');
        const alertRow = await telemetryToAlert(server, data, context.tokens.admin, target.url);
        rows.push(alertRow);
        console.log(
          `p50 ${alertRow.p50_ms} ms, p99 ${alertRow.p99_ms} ms (${alertRow.requests}/${TELEMETRY_SAMPLES} alerts)`,
        );
      }
      if (kind === 'postgres' && fanOut) {
        process.stdout.write(`${EMERGENCY_ROW}… `);
        const row = await emergencyFanOut(server, context.tokens.admin);
        rows.push(row);
        console.log(`p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, last ${row.statuses.last_ms} ms`);
      }
      if (kind === 'postgres' && uploads) {
        process.stdout.write('offline queue upload… ');
        const row = await offlineUpload(server, data, context.tokens.controllers[0]);
        rows.push(row);
        console.log(`${row.p50_ms} ms for ${UPLOAD_SCANS} scans`);
      }
      servers[kind] = {
        idle_rss_mb: roster.idleRssMb,
        rss_after_mb: Math.round((await sample(server.pid)).rssMb),
      };
      running.delete(server);
      await stop(server);
    }
    const constant = rows.find((r) => r.scenario === 'ceiling: constant')!.req_per_s;
    const pk = rows.find((r) => r.scenario === 'ceiling: pg pk select')!.req_per_s;
    for (const r of rows) {
      if (
        r.scenario === 'telemetry → alert' ||
        r.scenario === EMERGENCY_ROW ||
        r.scenario === 'offline queue upload'
      )
        continue;
      r.vs_constant = constant ? r.req_per_s / constant : 0;
      r.vs_pg_pk = pk ? r.req_per_s / pk : 0;
    }

    const notDone: string[] = [];
    const machine = {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: version,
      platform: `${os.platform()} ${os.release()}`,
      loadavg_at_start: loadavgAtStart,
      loadavg_at_end: os.loadavg(),
    };
    const settings = {
      seconds: SECONDS,
      warmup_seconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      scan_connections: SCAN_CONNECTIONS,
      load_connections: LOAD_CONNECTIONS,
      server_log_level: 'warn',
      data: BENCH,
    };
    const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(`\n${table(rows)}\n`);
    console.log(
      `machine: ${machine.cpus} × ${machine.cpu_model}, ${machine.memory_gib} GiB, Node ${machine.node}, ${version.split(' on ')[0]}; load average at start ${loads(loadavgAtStart)}, at end ${loads(machine.loadavg_at_end)}`,
    );
    console.log(
      `each scenario: ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections (badge scans: ${SCAN_CONNECTIONS}; postgres:/embedded: rows as given); CPU and RSS are the measured process's (the Roster server, or the ceiling server for ceilings)`,
    );
    for (const [kind, s] of Object.entries(servers))
      console.log(
        `${kind} server RSS: ${s.idle_rss_mb} MB idle after start, ${s.rss_after_mb} MB after its scenarios`,
      );
    for (const line of notDone) console.log(`not measured: ${line}`);
    const file = path.join(ROOT, 'bench', 'results.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        { at: new Date().toISOString(), machine, settings, servers, results: rows, not_measured: notDone },
        null,
        2,
      ),
    );
    console.log(
      `wrote ${path.relative(process.cwd(), file)} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`,
    );
  } finally {
    if (ceiling && ceiling.exitCode === null) {
      ceiling.kill('SIGKILL');
      await new Promise((r) => ceiling!.once('exit', r));
    }
    for (const server of running) await stop(server);
    fs.rmSync(embeddedDir, { recursive: true, force: true });
    await watcher?.end();
    await statistics?.close();
    await target.drop();
  }
}

async function performerIds(url: string, orgId: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('select id from performers where org_id = $1 order by id limit 1000', [
    orgId,
  ]);
  await client.end();
  return rows.map((r: { id: string }) => r.id).join(',');
}

const TELEMETRY_SAMPLES = Number(process.env.BENCH_ALERT_SAMPLES ?? 40);
/** Receivers simulated (BENCH_RECEIVERS, default all 500): fewer for a quick development run. */
const TELEMETRY_RECEIVERS = process.env.BENCH_RECEIVERS ? Number(process.env.BENCH_RECEIVERS) : undefined;
/** Seconds of steady metering over which the ingest CPU is measured, before any alert. */
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);

/** Starts `count` simulated ULX-D quad receivers, each on its own port, as the bench's rack. */
async function startShureRack(count: number) {
  const started = [];
  for (let i = 0; i < count; i++)
    started.push(
      await startShureReceiver({ model: 'ULXD4Q', serial: `BENCH-${String(i + 1).padStart(3, '0')}` }),
    );
  return started;
}

/**
 * Telemetry to alert, through the Shure adapter: 500 simulated ULX-D quad receivers (2,000
 * channels) speaking Shure command strings over TCP; the server's `monitoring.poll` job connects
 * to each, reads every channel and asks for SAMPLE meter lines at 1 Hz (the org's sample rate).
 * Once every receiver streams, the server's CPU over INGEST_SECONDS of metering alone is the
 * ingest cost, stated per 1,000 channels. Then one channel at a time has its battery dropped below
 * the critical threshold on its receiver (which reports the change unsolicited, as real receivers
 * do); the time from that moment until the admin's WebSocket receives `monitoring.alert.raised`
 * for that unit is measured.
 */
const UPLOAD_SCANS = 5000;

/**
 * A door that was offline for an hour uploads its queue: 5,000 decisions (entries and exits of
 * the bench badges at the controller's door, each with its nonce and device time) in one request.
 */
async function offlineUpload(server: ServerProcess, data: BenchData, controller: string): Promise<Row> {
  const event = `/api/events/events/${data.eventId}`;
  const here = await call(server.base, 'GET', `${event}/my-room`, { token: controller });
  const roomId = (here.body as { room: { id: string } | null }).room?.id;
  if (!roomId) throw new Error(`my-room: ${here.status} ${JSON.stringify(here.body).slice(0, 300)}`);
  const now = Date.now();
  const scans = Array.from({ length: UPLOAD_SCANS }, (_, i) => ({
    nonce: randomUUID(),
    qr: data.qrs[i % data.qrs.length],
    direction: Math.floor(i / data.qrs.length) % 2 === 0 ? 'in' : 'out',
    room_id: roomId,
    scanned_at: new Date(now - 3_600_000 + i * 500).toISOString(),
    status: 'granted',
  }));
  const before = await sample(server.pid);
  const started = performance.now();
  const res = await call(server.base, 'POST', `${event}/scans/upload`, {
    token: controller,
    body: { scans },
  });
  const ms = Math.round(performance.now() - started);
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  const after = await sample(server.pid);
  return {
    scenario: 'offline queue upload',
    connections: 1,
    what: `POST ${event.replace(data.eventId, ':id')}/scans/upload: ${UPLOAD_SCANS} offline decisions (in and out, ${data.qrs.length} badges) in one request; p50 = p99 = its duration`,
    req_per_s: Math.round((UPLOAD_SCANS * 1000) / ms),
    p50_ms: ms,
    p99_ms: ms,
    server_cpu_pct: Math.round(((after.ticks - before.ticks) / CLOCK_TICKS / (ms / 1000)) * 100),
    cpu_ms_per_req: 0,
    postgres_cpu_pct: postgresCpuPct(before, after),
    pg_cpu_ms_per_req: 0,
    server_rss_mb: Math.round(after.rssMb),
    vs_constant: 0,
    vs_pg_pk: 0,
    requests: 1,
    unexpected: 0,
    statuses: { [String(res.status)]: 1 },
  };
}

async function telemetryToAlert(
  server: ServerProcess,
  data: BenchData,
  adminToken: string,
  dbUrl: string,
): Promise<Row> {
  const racks = data.chassis.slice(0, TELEMETRY_RECEIVERS ?? data.chassis.length);
  const receivers = await startShureRack(racks.length);
  const channels = racks.length * BENCH.slotsPerChassis;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const socket = new WebSocket(
    `ws://127.0.0.1:${server.port}/api/live?token=${encodeURIComponent(adminToken)}`,
  );
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let unitUpdates = 0;
  socket.on('message', (raw) => {
    const m = JSON.parse(messageText(raw)) as { type: string; data: { unit: { id: string } } };
    if (m.type === 'monitoring.unit.updated') unitUpdates++;
    if (m.type !== 'monitoring.alert.raised') return;
    const started = pending.get(m.data.unit.id);
    if (started === undefined) return;
    pending.delete(m.data.unit.id);
    latencies.push(Date.now() - started);
  });
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const before = await sample(server.pid);
    await client.query(
      `update wireless_chassis c set ip = '127.0.0.1', port = v.port, protocol = 'shure', ` +
        `manufacturer = 'Shure', model = 'ULXD4Q' ` +
        `from unnest($1::uuid[], $2::int[]) as v(id, port) where c.id = v.id`,
      [racks.map((c) => c.id), receivers.map((r) => r.port)],
    );
    // Let the job reach steady state: the first poll writes every unit, then every receiver streams.
    await new Promise((r) => setTimeout(r, Math.max(3, SECONDS / 2) * 1000));
    const streamingBy = Date.now() + 15_000;
    while (receivers.some((r) => r.connections() === 0) && Date.now() < streamingBy)
      await new Promise((r) => setTimeout(r, 100));
    // The opening snapshots of the streams are applied in slices; let them drain.
    await new Promise((r) => setTimeout(r, 2000));
    const streaming = receivers.filter((r) => r.connections() > 0).length;
    const ingestFrom = await sample(server.pid);
    await new Promise((r) => setTimeout(r, INGEST_SECONDS * 1000));
    const ingestTo = await sample(server.pid);
    const ingestCpuPct =
      ((ingestTo.ticks - ingestFrom.ticks) / CLOCK_TICKS / ((ingestTo.at - ingestFrom.at) / 1000)) * 100;
    const ingestPer1000 = Math.round((ingestCpuPct / channels) * 1000 * 10) / 10;
    for (let i = 0; i < TELEMETRY_SAMPLES; i++) {
      const r = Math.floor((i * 7919) % racks.length);
      const slot = 1 + (i % BENCH.slotsPerChassis);
      pending.set(racks[r].units[slot - 1], Date.now());
      receivers[r].control({ channel: slot, battery: 5 });
      await new Promise((res) => setTimeout(res, 250));
    }
    const deadline = Date.now() + 15_000;
    while (pending.size && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    const after = await sample(server.pid);
    const wall = (after.at - before.at) / 1000;
    const cpu = (after.ticks - before.ticks) / CLOCK_TICKS;
    latencies.sort((a, b) => a - b);
    const pct = (q: number) =>
      latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
    return {
      scenario: 'telemetry → alert',
      connections: 0,
      what:
        `${channels} channels on ${racks.length} simulated Shure ULXD4Q receivers (command strings over TCP, ` +
        `SAMPLE at 1 Hz), ${streaming} streaming to the server (the rest polled); ingest alone ` +
        `${Math.round(ingestCpuPct)} % of a core = ${ingestPer1000} % per 1,000 channels; battery dropped to 5 % ` +
        `on ${TELEMETRY_SAMPLES} channels, latency from the drop to monitoring.alert.raised on an admin ` +
        `WebSocket (${unitUpdates} unit updates seen)`,
      req_per_s: channels,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
      server_cpu_pct: Math.round((cpu / wall) * 100),
      cpu_ms_per_req: 0,
      postgres_cpu_pct: postgresCpuPct(before, after),
      pg_cpu_ms_per_req: 0,
      server_rss_mb: Math.round(after.rssMb),
      vs_constant: 0,
      vs_pg_pk: 0,
      requests: latencies.length,
      unexpected: pending.size,
      statuses: {
        alerts_received: latencies.length,
        alerts_missing: pending.size,
        receivers_streaming: streaming,
        ingest_cpu_pct: Math.round(ingestCpuPct),
        ingest_cpu_pct_per_1000_channels: ingestPer1000,
      },
    };
  } finally {
    socket.close();
    await client.query('update wireless_chassis set ip = null, port = null').catch(() => {});
    await client.end();
    await Promise.all(receivers.map((r) => r.close()));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * Pairs LIVE_PLAYERS screens, connects each to `/api/live` with its device token, then sets an
 * org-wide emergency message: the row gives the time from the request to each player receiving
 * `signage.screen.emergency` (p50, p99 and the last one).
 */
async function emergencyFanOut(server: ServerProcess, adminToken: string): Promise<Row> {
  const tokens = await pairScreens(server, adminToken, LIVE_PLAYERS);
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  let sentAt = 0;
  try {
    for (const token of tokens) {
      const socket = new WebSocket(
        `ws://127.0.0.1:${server.port}/api/live?token=${encodeURIComponent(token)}`,
      );
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      let heard = false;
      socket.on('message', (raw) => {
        const m = JSON.parse(messageText(raw)) as { type: string; data: { emergency?: unknown } };
        // The message itself, once per player (the clearing that follows is not counted).
        if (heard || !sentAt || m.type !== 'signage.screen.emergency' || !m.data.emergency) return;
        heard = true;
        latencies.push(Date.now() - sentAt);
      });
      sockets.push(socket);
    }
    const before = await sample(server.pid);
    sentAt = Date.now();
    const set = await call(server.base, 'POST', '/api/signage/emergency', {
      token: adminToken,
      body: { message: 'Bench evacuation', expires_at: new Date(Date.now() + 3600_000).toISOString() },
    });
    if (set.status !== 201) throw new Error(`emergency: ${set.status} ${JSON.stringify(set.body)}`);
    const deadline = Date.now() + 15_000;
    while (latencies.length < sockets.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const after = await sample(server.pid);
    await call(server.base, 'DELETE', '/api/signage/emergency', { token: adminToken });
    latencies.sort((a, b) => a - b);
    const pct = (q: number) =>
      latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
    const wall = (after.at - before.at) / 1000;
    return {
      scenario: EMERGENCY_ROW,
      connections: sockets.length,
      what: `${sockets.length} players on /api/live (device tokens); POST /api/signage/emergency for the whole org, time until each player receives signage.screen.emergency`,
      req_per_s: 0,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
      server_cpu_pct: Math.round(((after.ticks - before.ticks) / CLOCK_TICKS / Math.max(wall, 0.01)) * 100),
      cpu_ms_per_req: 0,
      postgres_cpu_pct: postgresCpuPct(before, after),
      pg_cpu_ms_per_req: 0,
      server_rss_mb: Math.round(after.rssMb),
      vs_constant: 0,
      vs_pg_pk: 0,
      requests: latencies.length,
      unexpected: sockets.length - latencies.length,
      statuses: { received: latencies.length, last_ms: latencies[latencies.length - 1] ?? 0 },
    };
  } finally {
    for (const s of sockets) s.close();
  }
}
