import type { Redis } from 'ioredis';
import type { Dependency } from '../health/dependencies.ts';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/** Fixed-window counters: "at most `limit` hits per `windowSeconds` for this key". */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
  reset(key: string): Promise<void>;
}

export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  return {
    hit(key, limit, windowSeconds) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.endsAt <= t) {
        w = { count: 0, endsAt: t + windowSeconds * 1000 };
        windows.set(key, w);
        if (windows.size > 100_000) for (const [k, v] of windows) if (v.endsAt <= t) windows.delete(k);
      }
      w.count += 1;
      return Promise.resolve({
        allowed: w.count <= limit,
        remaining: Math.max(0, limit - w.count),
        retryAfterSeconds: Math.max(1, Math.ceil((w.endsAt - t) / 1000)),
      });
    },
    reset(key) {
      windows.delete(key);
      return Promise.resolve();
    },
  };
}

/** Shared by every server process on one Redis, so N instances do not multiply the limit by N. */
export function createRedisRateLimiter(redis: Redis): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      const k = `roster:rl:${key}`;
      const [[, count], [, ttl]] = (await redis.multi().incr(k).pttl(k).exec()) as [
        [null, number],
        [null, number],
      ];
      if (ttl < 0) await redis.pexpire(k, windowSeconds * 1000);
      const ms = ttl < 0 ? windowSeconds * 1000 : ttl;
      return {
        allowed: count <= limit,
        remaining: Math.max(0, limit - count),
        retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)),
      };
    },
    async reset(key) {
      await redis.del(`roster:rl:${key}`);
    },
  };
}

/**
 * The shared limiter while Redis answers, this process's own counters while it does not: a Redis
 * outage must not refuse logins or slow door scans. Counting per process meanwhile lets each
 * instance allow the limit on its own, which is accepted for the length of an outage. The switch
 * is logged once, as the state change of `health`.
 */
export function createFallbackRateLimiter(
  shared: RateLimiter,
  health: Dependency,
  local: RateLimiter = createMemoryRateLimiter(),
): RateLimiter {
  const attempt = async <T>(run: (l: RateLimiter) => Promise<T>): Promise<T> => {
    if (health.state === 'down') return run(local);
    try {
      return await run(shared);
    } catch (err) {
      health.down(`Redis is unreachable (${(err as Error).message}); rate limits are counted per process`);
      return run(local);
    }
  };
  return {
    hit: (key, limit, windowSeconds) => attempt((l) => l.hit(key, limit, windowSeconds)),
    reset: (key) => attempt((l) => l.reset(key)),
  };
}
