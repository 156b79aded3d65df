import fs from 'node:fs';
import path from 'node:path';

/** A start-up setting that cannot work: `variable` names it, `message` says why, in one line. */
export class SettingError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const CONNECT_CEILING_MS = 5000;

function parseUrl(variable: string, value: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingError(variable, `not a valid URL (expected ${protocols[0]}//host:port/…)`);
  }
  if (!protocols.includes(url.protocol))
    throw new SettingError(
      variable,
      `unsupported scheme "${url.protocol}" (expected ${protocols.map((p) => `${p}//`).join(' or ')})`,
    );
  if (!url.hostname) throw new SettingError(variable, 'names no host');
  return url;
}

/** Why a connection attempt failed, in words that name the cause; never echoes a password. */
function connectionCause(err: unknown, where: string): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot reach ${where} (connection refused)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach ${where} (unknown host)`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach ${where} (${e.code === 'ETIMEDOUT' ? 'timed out' : 'no route to host'})`;
    default:
      if (/timeout/i.test(e.message ?? '')) return `cannot reach ${where} (timed out)`;
      return `cannot connect to ${where} (${e.message ?? String(err)})`;
  }
}

export async function checkDatabaseUrl(value: string): Promise<void> {
  const url = parseUrl('DATABASE_URL', value, ['postgres:', 'postgresql:']);
  const where = `${url.hostname}:${url.port || 5432}`;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: value, connectionTimeoutMillis: CONNECT_CEILING_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const user = decodeURIComponent(url.username) || 'the default user';
    const database = decodeURIComponent(url.pathname.slice(1)) || user;
    if (code === '28P01' || code === '28000')
      throw new SettingError('DATABASE_URL', `authentication failed for user "${user}" at ${where}`);
    if (code === '3D000')
      throw new SettingError('DATABASE_URL', `database "${database}" does not exist at ${where}`);
    throw new SettingError('DATABASE_URL', connectionCause(err, where));
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkRedisUrl(value: string): Promise<void> {
  const url = parseUrl('REDIS_URL', value, ['redis:', 'rediss:']);
  const where = `${url.hostname}:${url.port || 6379}`;
  const { Redis } = await import('ioredis');
  const redis = new Redis(value, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_CEILING_MS,
    enableOfflineQueue: false,
  });
  let lastError: unknown;
  redis.on('error', (err) => (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message))
      throw new SettingError('REDIS_URL', `authentication failed at ${where}`);
    throw new SettingError('REDIS_URL', connectionCause(lastError ?? err, where));
  } finally {
    redis.disconnect();
  }
}

/** The embedded database, uploads and the generated secret live in DATA_DIR: it must take writes. */
export function checkDataDir(dir: string): void {
  const probe = path.join(dir, `.roster-write-check-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'EROFS'
        ? 'read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOENT'
            ? 'it cannot be created'
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? 'not a directory'
              : code === 'ENOSPC'
                ? 'no space left on device'
                : (code ?? (err as Error).message);
    throw new SettingError('DATA_DIR', `${dir} is not writable (${why})`);
  }
}

/**
 * Checks what `roster start` needs from its settings before opening anything, so a wrong one stops
 * the process with one line naming it instead of a driver's error later: DATA_DIR takes writes, the
 * URLs parse, and the database and Redis answer with these credentials.
 */
export async function checkStartSettings(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  checkDataDir(path.resolve(env.DATA_DIR || './data'));
  if (env.DATABASE_URL) parseUrl('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']);
  if (env.REDIS_URL) parseUrl('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:']);
  if (env.DATABASE_URL) await checkDatabaseUrl(env.DATABASE_URL);
  if (env.REDIS_URL) await checkRedisUrl(env.REDIS_URL);
}
