import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseCidr } from './net/outbound.ts';

/** Runtime settings, read once from the environment (names fixed by DESIGN.md). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Uploaded files (`DATA_DIR/uploads`): local disk, included in backups. */
  uploadsDir: string;
  databaseUrl?: string;
  /** Connections this process keeps to Postgres (DATABASE_POOL_SIZE); PGlite is one in-process connection. */
  databasePoolSize: number;
  redisUrl?: string;
  demoPassword?: string;
  logLevel: string;
  /** Session lifetime; a console user stays logged in for a working week. */
  sessionTtlMs: number;
  /** Upload size ceiling for any single file, in bytes. */
  maxUploadBytes: number;
  /** How long a resolved token is reused without a database check (0 = never); see core/auth/cache.ts. */
  authCacheMs: number;
  /**
   * Server secret for signatures that must verify without a database read (QR badges, webhooks of
   * our own). ROSTER_SECRET; otherwise generated once into DATA_DIR/roster-secret. Several
   * instances must share it: set ROSTER_SECRET when running more than one.
   */
  secret: string;
  /** TRUST_PROXY=1: take the client address and protocol from X-Forwarded-* (behind a reverse proxy). */
  trustProxy: boolean;
  /** CORS_ORIGINS: comma-separated origins allowed to call the API from a browser; none by default. */
  corsOrigins: string[];
  /** MONITORING_POLL_MS: tick of the receiver poller (each org polls at its own interval within it). */
  monitoringPollMs: number;
  /** STRIPE_WEBHOOK_SECRET: the billing webhook's signing secret; derived from `secret` when unset. */
  stripeWebhookSecret?: string;
  /**
   * ROSTER_JOBS=off: `roster start` leaves the periodic jobs (receiver polling, usage metering,
   * offline sweeps) stopped. For processes that only serve requests, and for tests, which run a
   * job's tick by hand.
   */
  jobs: boolean;
  /**
   * SHUTDOWN_TIMEOUT_MS: how long a stopping server lets the requests it accepted finish before it
   * exits anyway (code 1).
   */
  shutdownTimeoutMs: number;
  /** LIVE_MAX_PER_SESSION: open live connections one credential (session, API key) may hold per process. */
  liveMaxPerSession: number;
  /** LIVE_MAX_PER_ORG: open live connections one organization may hold per process. */
  liveMaxPerOrg: number;
  /** METRICS_TOKEN: when set, `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /**
   * OUTBOUND_ALLOW_NETWORKS: comma-separated networks (CIDR) the server may connect to on a
   * tenant's behalf although they are private, loopback or link-local — a venue's receiver LAN.
   * None by default (see core/net/outbound.ts).
   */
  outboundAllowNetworks: string[];
  /**
   * CHECK_RESPONSES=on: every response is also checked against its route's zod schema, and a
   * response of the wrong shape is a 500 (see core/http/serializer.ts). Off by default, on in
   * tests: in service the compiled serializers write responses without checking them. It also
   * rebuilds every statement built once per shape and fails the call if it came out different
   * (core/db/statements.ts).
   */
  checkResponses: boolean;
  /**
   * MONITORING_DISCOVERY: where the server listens for receivers announcing themselves (SLP):
   * `multicast` (default: the group 239.255.254.253 on UDP 8427, as Shure devices announce),
   * `host:port` (unicast only, e.g. a simulator's `--announce`), or `off`.
   */
  monitoringDiscovery: { address: string; port: number; group: string | null } | null;
  /**
   * MONITORING_DISCOVERY_MDNS: where the server listens for Sennheiser receivers (DNS-SD over
   * multicast DNS): `multicast` (default: the group 224.0.0.251 on UDP 5353), `host:port`, or `off`.
   */
  monitoringDiscoveryMdns: { address: string; port: number; group: string | null } | null;
  /**
   * How Sennheiser receivers speaking SSCv2 are reached. SENNHEISER_SSCV2_PASSWORD: the
   * third-party access password set on the receivers (user `api`; unset: none asked).
   * SENNHEISER_SSCV2_TLS: `self-signed` (default: HTTPS accepting the certificate receivers make
   * for themselves, as they ship with no other), `verify` (certificates checked) or `off` (HTTP).
   * SENNHEISER_SSCV2_CA: a PEM file of the certificates to trust (the venue's authority, or the
   * receivers' own certificates, pinned); it implies `verify`, and then only these are trusted.
   */
  sennheiserSscv2: { password: string | null; tls: 'self-signed' | 'verify' | 'off'; ca: string | null };
}

function intFromEnv(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function positiveIntFromEnv(value: string | undefined, fallback: number, name: string): number {
  const n = intFromEnv(value, fallback, name);
  if (n === 0) throw new Error(`${name} must be at least 1`);
  return n;
}

function atLeast(n: number, min: number, name: string): number {
  if (n < min) throw new Error(`${name} must be at least ${min}, got ${n}`);
  return n;
}

function flagFromEnv(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got "${value}"`);
}

function switchFromEnv(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (['on', '1', 'true'].includes(value)) return true;
  if (['off', '0', 'false'].includes(value)) return false;
  throw new Error(`${name} must be on or off, got "${value}"`);
}

function originsFromEnv(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins)
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new Error(`CORS_ORIGINS must list origins like https://console.example.org, got "${origin}"`);
  return origins;
}

/** A bearer secret for scrapers: long enough that it cannot be guessed. */
function metricsTokenFromEnv(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16 || /\s/.test(value))
    throw new Error('METRICS_TOKEN must be at least 16 characters without spaces');
  return value;
}

function networksFromEnv(value: string | undefined, name: string): string[] {
  const networks = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const network of networks) {
    try {
      parseCidr(network);
    } catch {
      throw new Error(`${name} must list networks like 10.20.0.0/16,192.168.50.0/24, got "${network}"`);
    }
  }
  return networks;
}

function discoveryFromEnv(
  value: string | undefined,
  name = 'MONITORING_DISCOVERY',
  multicast = { port: 8427, group: '239.255.254.253' },
): Config['monitoringDiscovery'] {
  const v = (value ?? '').trim();
  if (v === 'off') return null;
  if (v === '' || v === 'multicast') return { address: '0.0.0.0', ...multicast };
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(v);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535)
    throw new Error(
      `${name} must be multicast, off or ipv4:port (like 127.0.0.1:${multicast.port}), got "${v}"`,
    );
  return { address: match[1], port, group: null };
}

const SSCV2_TLS = ['self-signed', 'verify', 'off'] as const;

function sscv2FromEnv(env: NodeJS.ProcessEnv): Config['sennheiserSscv2'] {
  const ca = env.SENNHEISER_SSCV2_CA ? pemFromFile(env.SENNHEISER_SSCV2_CA, 'SENNHEISER_SSCV2_CA') : null;
  const tls = env.SENNHEISER_SSCV2_TLS || (ca ? 'verify' : 'self-signed');
  if (!(SSCV2_TLS as readonly string[]).includes(tls))
    throw new Error(`SENNHEISER_SSCV2_TLS must be self-signed, verify or off, got "${tls}"`);
  if (ca && tls !== 'verify')
    throw new Error(`SENNHEISER_SSCV2_CA is used only with SENNHEISER_SSCV2_TLS=verify, got "${tls}"`);
  return { password: env.SENNHEISER_SSCV2_PASSWORD || null, tls: tls as (typeof SSCV2_TLS)[number], ca };
}

/** The certificates of a PEM file; a missing file or one holding none stops the start, naming it. */
function pemFromFile(file: string, name: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: err,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error(`${name}: ${file} holds no PEM certificate`);
  return text;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFromEnv(env.PORT, 3000, 'PORT'),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    uploadsDir: path.join(path.resolve(env.DATA_DIR || './data'), 'uploads'),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: positiveIntFromEnv(env.DATABASE_POOL_SIZE, 10, 'DATABASE_POOL_SIZE'),
    redisUrl: env.REDIS_URL || undefined,
    demoPassword: env.ROSTER_DEMO_PASSWORD || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    sessionTtlMs: intFromEnv(env.SESSION_TTL_HOURS, 24 * 7, 'SESSION_TTL_HOURS') * 3600_000,
    maxUploadBytes: intFromEnv(env.MAX_UPLOAD_MB, 50, 'MAX_UPLOAD_MB') * 1024 * 1024,
    authCacheMs: intFromEnv(env.AUTH_CACHE_MS, 5000, 'AUTH_CACHE_MS'),
    secret: env.ROSTER_SECRET || persistedSecret(path.resolve(env.DATA_DIR || './data')),
    trustProxy: flagFromEnv(env.TRUST_PROXY, 'TRUST_PROXY'),
    corsOrigins: originsFromEnv(env.CORS_ORIGINS),
    monitoringPollMs: atLeast(
      intFromEnv(env.MONITORING_POLL_MS, 1000, 'MONITORING_POLL_MS'),
      100,
      'MONITORING_POLL_MS',
    ),
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    jobs: switchFromEnv(env.ROSTER_JOBS, true, 'ROSTER_JOBS'),
    shutdownTimeoutMs: atLeast(
      intFromEnv(env.SHUTDOWN_TIMEOUT_MS, 10_000, 'SHUTDOWN_TIMEOUT_MS'),
      100,
      'SHUTDOWN_TIMEOUT_MS',
    ),
    liveMaxPerSession: positiveIntFromEnv(env.LIVE_MAX_PER_SESSION, 10, 'LIVE_MAX_PER_SESSION'),
    liveMaxPerOrg: positiveIntFromEnv(env.LIVE_MAX_PER_ORG, 2000, 'LIVE_MAX_PER_ORG'),
    metricsToken: metricsTokenFromEnv(env.METRICS_TOKEN),
    outboundAllowNetworks: networksFromEnv(env.OUTBOUND_ALLOW_NETWORKS, 'OUTBOUND_ALLOW_NETWORKS'),
    checkResponses: switchFromEnv(env.CHECK_RESPONSES, false, 'CHECK_RESPONSES'),
    monitoringDiscovery: discoveryFromEnv(env.MONITORING_DISCOVERY),
    monitoringDiscoveryMdns: discoveryFromEnv(env.MONITORING_DISCOVERY_MDNS, 'MONITORING_DISCOVERY_MDNS', {
      port: 5353,
      group: '224.0.0.251',
    }),
    sennheiserSscv2: sscv2FromEnv(env),
  };
}

function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'roster-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
