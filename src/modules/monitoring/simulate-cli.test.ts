import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ROOT, runCli } from '../../../test/support/processes.ts';
import { simulatorTls } from './simulator-tls.ts';

/**
 * `roster simulate receivers --protocol sennheiser-sscv2` serves HTTPS with the certificate it is
 * given, as real SSCv2 receivers do, so the adapter's certificate checks can be tried end to end.
 */
const CEILING_MS = 120_000;
const fixture = (name: string) =>
  path.join(ROOT, 'src/modules/monitoring/adapters/sennheiser/fixtures', name);

const simulator = (args: string[], dataDir: string) =>
  spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'simulate', 'receivers', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** One HTTPS GET trusting only `ca`: the status, or the TLS error's code. */
function get(url: string, ca: Buffer): Promise<number | string> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('roster simulate receivers: SSCv2 over HTTPS', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-simulate-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('with --tls-cert and --tls-key the receiver answers HTTPS, trusted by that certificate only', async () => {
    const certFile = fixture('sscv2-receiver.crt');
    const proc = simulator(
      ['--protocol', 'sennheiser-sscv2', '--tls-cert', certFile, '--tls-key', fixture('sscv2-receiver.key')],
      dataDir,
    );
    const timer = setTimeout(() => proc.kill('SIGKILL'), CEILING_MS);
    try {
      let stdout = '';
      proc.stdout.setEncoding('utf8');
      const address = await new Promise<string>((resolve, reject) => {
        proc.stdout.on('data', (c: string) => {
          stdout += c;
          const found = /SIM-001\s+\S.*?\s(\S+:\d+)\n/.exec(stdout);
          if (found && /SENNHEISER_SSCV2_CA=/.test(stdout)) resolve(found[1]);
        });
        proc.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${stdout}`)));
      });
      assert.match(stdout, new RegExp(`Over HTTPS with .*SENNHEISER_SSCV2_CA=${certFile}`));
      const url = `https://${address}/api/device/identity`;
      assert.equal(await get(url, fs.readFileSync(certFile)), 200);
      assert.match(
        String(await get(url, fs.readFileSync(fixture('other-ca.crt')))),
        /CERT|SELF_SIGNED|VERIFY/,
      );
    } finally {
      clearTimeout(timer);
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGINT');
      await exited;
    }
  });

  test('a certificate without its key is refused before anything listens', async () => {
    const alone = await runCli(
      [
        'simulate',
        'receivers',
        '--protocol',
        'sennheiser-sscv2',
        '--tls-cert',
        fixture('sscv2-receiver.crt'),
      ],
      { DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir },
      CEILING_MS,
    );
    assert.equal(alone.code, 1, alone.stderr);
    assert.match(alone.stderr, /--tls-cert and --tls-key go together/);
    assert.doesNotMatch(alone.stderr, /SIM-001/);
  });

  test('the TLS options: only for SSCv2, each file readable, or none at all', () => {
    const [cert, key] = [fixture('sscv2-receiver.crt'), fixture('sscv2-receiver.key')];
    assert.equal(simulatorTls(undefined, undefined, 'shure'), undefined);
    assert.throws(() => simulatorTls(undefined, key, 'sennheiser-sscv2'), /go together/);
    assert.throws(() => simulatorTls(cert, key, 'shure'), /--tls-cert is for --protocol sennheiser-sscv2/);
    assert.throws(
      () => simulatorTls(fixture('missing.crt'), key, 'sennheiser-sscv2'),
      /--tls-cert: cannot read .*missing\.crt/,
    );
    assert.deepEqual(simulatorTls(cert, key, 'sennheiser-sscv2')?.cert, fs.readFileSync(cert));
  });
});
