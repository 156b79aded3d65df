import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limit.ts';

async function hits(limiter: RateLimiter, key: string, n: number, limit: number, windowSeconds: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await limiter.hit(key, limit, windowSeconds));
  return out;
}

describe('rate limits: fixed windows per key', () => {
  test('in memory: the limit is allowed, the next hit is refused with the time left, a new window starts afresh', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter(() => now);
    const answers = await hits(limiter, 'login:1.2.3.4:ada', 4, 3, 60);
    assert.deepEqual(
      answers.map((a) => a.allowed),
      [true, true, true, false],
    );
    assert.deepEqual(
      answers.map((a) => a.remaining),
      [2, 1, 0, 0],
    );
    assert.equal(answers[3].retryAfterSeconds, 60);
    now += 45_000;
    assert.equal((await limiter.hit('login:1.2.3.4:ada', 3, 60)).retryAfterSeconds, 15);
    assert.equal((await limiter.hit('other', 3, 60)).allowed, true, 'keys are independent');
    now += 15_000;
    assert.equal((await limiter.hit('login:1.2.3.4:ada', 3, 60)).allowed, true, 'the window ended');
    await limiter.reset('other');
    assert.equal((await limiter.hit('other', 1, 60)).allowed, true);
  });

  test(
    'on Redis: two connections, as two server processes hold, share one count, so N instances do not multiply the limit',
    {
      skip: process.env.REDIS_URL
        ? false
        : 'REDIS_URL is not set: start Redis and set REDIS_URL to run the shared-limit test',
    },
    async () => {
      const { Redis } = await import('ioredis');
      const a = new Redis(process.env.REDIS_URL!);
      const b = new Redis(process.env.REDIS_URL!);
      try {
        const one = createRedisRateLimiter(a);
        const two = createRedisRateLimiter(b);
        const key = `test:${crypto.randomUUID()}`;
        const answers = [
          await one.hit(key, 3, 30),
          await two.hit(key, 3, 30),
          await one.hit(key, 3, 30),
          await two.hit(key, 3, 30),
        ];
        assert.deepEqual(
          answers.map((x) => x.allowed),
          [true, true, true, false],
        );
        assert.ok(answers[3].retryAfterSeconds > 0 && answers[3].retryAfterSeconds <= 30);
        assert.ok((await a.pttl(`roster:rl:${key}`)) > 0, 'the window expires by itself');
        await two.reset(key);
        assert.equal((await one.hit(key, 3, 30)).allowed, true);
        await one.reset(key);
      } finally {
        a.disconnect();
        b.disconnect();
      }
    },
  );
});
