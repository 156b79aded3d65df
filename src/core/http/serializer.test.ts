import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeEachBackend } from '../../../test/support/env.ts';
import { appWithRoutes } from '../../../test/support/routes.ts';
import { errorHandler } from './errors.ts';
import { compile, responseSerializerCompiler } from './serializer.ts';

const unit = z.object({ id: z.number().int(), name: z.string() });
const person = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string().nullable(),
  unit: unit.nullable(),
  units: z.array(unit),
  role: z.enum(['owner', 'admin', 'member', 'viewer']),
  title: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()),
  state: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('active'), since: z.string() }),
    z.object({
      kind: z.literal('left'),
      reason: z.string().nullable(),
      priority: z.enum(['low', 'high']).nullable(),
    }),
  ]),
});

/** A row as the database gives it: more columns than the response declares, at every level. */
const row = {
  id: 7,
  username: 'ada',
  email: null,
  password_hash: 'scrypt$secret',
  unit: { id: 1, name: 'Stage', org_id: 'other' },
  units: [{ id: 2, name: 'Sound', secret: 'x' }],
  role: 'admin',
  attributes: { shoe: 42, nested: { a: [1, null] } },
  state: { kind: 'left', reason: null, priority: null, internal: true },
};

async function appAnswering(body: unknown, checkResponses: boolean) {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler({ checkResponses }));
  app.setErrorHandler(errorHandler);
  app.get('/person', { schema: { response: { 200: person } } }, () => Promise.resolve(body as never));
  await app.ready();
  return app;
}

describe('responses: serializers compiled from the response schemas', () => {
  const apps: Array<{ close(): Promise<unknown> }> = [];
  after(async () => {
    for (const app of apps) await app.close();
  });

  for (const checkResponses of [false, true]) {
    test(`a field the schema does not declare never leaks, at any depth (checks ${checkResponses ? 'on' : 'off'})`, async () => {
      const app = await appAnswering(row, checkResponses);
      apps.push(app);
      const res = await app.inject({ method: 'GET', url: '/person' });
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /password_hash|scrypt|org_id|secret|internal/);
      assert.deepEqual(JSON.parse(res.body), {
        id: 7,
        username: 'ada',
        email: null,
        unit: { id: 1, name: 'Stage' },
        units: [{ id: 2, name: 'Sound' }],
        role: 'admin',
        attributes: { shoe: 42, nested: { a: [1, null] } },
        state: { kind: 'left', reason: null, priority: null },
      });
    });

    const checks = `checks ${checkResponses ? 'on' : 'off'}`;
    test(`a response missing a required field is a 500 that shows nothing of it (${checks})`, async () => {
      const app = await appAnswering({ ...row, username: undefined }, checkResponses);
      apps.push(app);
      const res = await app.inject({ method: 'GET', url: '/person' });
      assert.equal(res.statusCode, 500);
      assert.doesNotMatch(res.body, /scrypt|ada/);
    });
  }

  test('with checks on (tests), a field of the wrong type fails the response instead of being converted', async () => {
    const wrong = { ...row, id: '7', units: [{ id: 2, name: 5 }] };
    const checked = await appAnswering(wrong, true);
    const unchecked = await appAnswering(wrong, false);
    apps.push(checked, unchecked);
    assert.equal((await checked.inject({ method: 'GET', url: '/person' })).statusCode, 500);
    // In service the compiled serializer writes what the schema says a value is, unchecked.
    const res = await unchecked.inject({ method: 'GET', url: '/person' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual((JSON.parse(res.body) as { units: unknown }).units, [{ id: 2, name: '5' }]);
  });

  test('the compiled serializer writes what zod lets through, for nulls, unions, records and optional fields', () => {
    const serialize = compile(person);
    assert.ok(serialize, 'the schema compiles');
    for (const value of [
      row,
      { ...row, email: 'ada@example.org', unit: null, title: 'Lead', state: { kind: 'active', since: 'x' } },
      { ...row, units: [], attributes: {}, title: undefined },
      { ...row, state: { kind: 'left', reason: 'moved', priority: 'high' } },
    ])
      assert.deepEqual(JSON.parse(serialize(value)), JSON.parse(JSON.stringify(person.parse(value))));
  });
});

describeEachBackend('responses: every route', (env) => {
  test("every route's response schemas compile to a serializer (none falls back to zod)", async () => {
    const { app, routes } = await appWithRoutes(env().app.deps);
    try {
      const failing: string[] = [];
      let compiled = 0;
      for (const route of routes) {
        const responses = (route.options.schema?.response ?? {}) as Record<string, unknown>;
        for (const [status, schema] of Object.entries(responses)) {
          if (!(schema instanceof z.ZodType)) continue;
          if (compile(schema)) compiled++;
          else failing.push(`${route.method} ${route.url} ${status}`);
        }
      }
      assert.deepEqual(failing, []);
      assert.ok(compiled > 50, `only ${compiled} response schemas found`);
    } finally {
      await app.close();
    }
  });
});
