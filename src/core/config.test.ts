import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './config.ts';

const base = { ROSTER_SECRET: 'config-test-secret', DATA_DIR: path.join(os.tmpdir(), 'roster-config-test') };

test('DATABASE_POOL_SIZE: 10 by default, any positive integer, and a clear error for anything else', () => {
  assert.equal(loadConfig(base).databasePoolSize, 10);
  assert.equal(loadConfig({ ...base, DATABASE_POOL_SIZE: '' }).databasePoolSize, 10);
  assert.equal(loadConfig({ ...base, DATABASE_POOL_SIZE: '4' }).databasePoolSize, 4);
  assert.throws(
    () => loadConfig({ ...base, DATABASE_POOL_SIZE: '0' }),
    /DATABASE_POOL_SIZE must be at least 1/,
  );
  assert.throws(
    () => loadConfig({ ...base, DATABASE_POOL_SIZE: 'ten' }),
    /DATABASE_POOL_SIZE must be a non-negative integer, got "ten"/,
  );
  assert.throws(
    () => loadConfig({ ...base, DATABASE_POOL_SIZE: '2.5' }),
    /DATABASE_POOL_SIZE must be a non-negative integer/,
  );
});

test('numeric settings refuse what they cannot mean; the secret is generated once into DATA_DIR', () => {
  assert.throws(() => loadConfig({ ...base, PORT: '-1' }), /PORT must be a non-negative integer, got "-1"/);
  assert.equal(loadConfig({ ...base, AUTH_CACHE_MS: '0' }).authCacheMs, 0);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-config-'));
  try {
    const first = loadConfig({ DATA_DIR: dataDir }).secret;
    assert.ok(first.length >= 40, 'a random secret of 32 bytes');
    assert.equal(loadConfig({ DATA_DIR: dataDir }).secret, first, 'the same secret on the next start');
    assert.equal(
      fs.statSync(path.join(dataDir, 'roster-secret')).mode & 0o777,
      0o600,
      'readable by its owner only',
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a bad value of any validated setting stops the start with a message naming the variable', () => {
  const bad: Record<string, string> = {
    PORT: 'eighty',
    DATABASE_POOL_SIZE: '0',
    SESSION_TTL_HOURS: '1.5',
    MAX_UPLOAD_MB: '-3',
    AUTH_CACHE_MS: 'soon',
    TRUST_PROXY: 'yes',
    CORS_ORIGINS: 'console.example.org',
    MONITORING_POLL_MS: '50',
    ROSTER_JOBS: 'sometimes',
    LIVE_MAX_PER_SESSION: '0',
    LIVE_MAX_PER_ORG: 'many',
    METRICS_TOKEN: 'short',
    OUTBOUND_ALLOW_NETWORKS: '10.20.0.0/16,192.168.50.0',
  };
  for (const [name, value] of Object.entries(bad))
    assert.throws(
      () => loadConfig({ ...base, [name]: value }),
      (err: Error) => err.message.startsWith(`${name} must `),
      `${name}=${value} is refused by name`,
    );
});

test('ROSTER_JOBS: on by default, off or on when set', () => {
  assert.equal(loadConfig(base).jobs, true);
  assert.equal(loadConfig({ ...base, ROSTER_JOBS: 'off' }).jobs, false);
  assert.equal(loadConfig({ ...base, ROSTER_JOBS: 'on' }).jobs, true);
});

test('live connection caps and the metrics token: defaults, and values when set', () => {
  const defaults = loadConfig(base);
  assert.equal(defaults.liveMaxPerSession, 10);
  assert.equal(defaults.liveMaxPerOrg, 2000);
  assert.equal(defaults.metricsToken, undefined, '/metrics stays open unless a token is set');
  const set = loadConfig({
    ...base,
    LIVE_MAX_PER_SESSION: '3',
    LIVE_MAX_PER_ORG: '50',
    METRICS_TOKEN: 'scrape-me-0123456789',
  });
  assert.equal(set.liveMaxPerSession, 3);
  assert.equal(set.liveMaxPerOrg, 50);
  assert.equal(set.metricsToken, 'scrape-me-0123456789');
});

test('OUTBOUND_ALLOW_NETWORKS: none by default, a list of CIDR networks, a bad one named', () => {
  assert.deepEqual(loadConfig(base).outboundAllowNetworks, []);
  assert.deepEqual(
    loadConfig({ ...base, OUTBOUND_ALLOW_NETWORKS: '10.20.0.0/16, 192.168.50.0/24,fd00:1::/64' })
      .outboundAllowNetworks,
    ['10.20.0.0/16', '192.168.50.0/24', 'fd00:1::/64'],
  );
  for (const bad of ['10.20.0.0/33', 'venue-lan', '10.20.0.0', '10.20.0/16', '::1/129'])
    assert.throws(
      () => loadConfig({ ...base, OUTBOUND_ALLOW_NETWORKS: `10.0.0.0/8,${bad}` }),
      (err: Error) =>
        err.message ===
        `OUTBOUND_ALLOW_NETWORKS must list networks like 10.20.0.0/16,192.168.50.0/24, got "${bad}"`,
      `${bad} is refused`,
    );
});
