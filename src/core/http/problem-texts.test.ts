import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { raisedProblems } from '../../../test/support/raised-problems.ts';
import { policyWords } from '../access/policy.ts';
import { refusalReasons } from '../net/outbound.ts';
import type { Organization } from '../../modules/identity/service.ts';
import { auditLog } from '../db/platform-schema.ts';
import {
  fixed,
  LANGUAGES,
  localizeProblem,
  phrase,
  phraseCatalogues,
  preferredLanguage,
  problemText,
  problemVocabulary,
  templateParams,
  wordIn,
} from './problem-texts.ts';
import { conflict, invalidField } from './problem.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
}

describe('problem texts', () => {
  test('the preferred language follows Accept-Language weights, English by default', () => {
    assert.equal(preferredLanguage(undefined), 'en');
    assert.equal(preferredLanguage(''), 'en');
    assert.equal(preferredLanguage('fr'), 'fr');
    assert.equal(preferredLanguage('fr-CA,fr;q=0.9'), 'fr');
    assert.equal(preferredLanguage('de-DE,fr;q=0.8,en;q=0.5'), 'fr');
    assert.equal(preferredLanguage('en;q=0.9,fr'), 'fr');
    assert.equal(preferredLanguage('fr;q=0.4,en-GB;q=0.6'), 'en');
    assert.equal(preferredLanguage('fr;q=0'), 'en');
    assert.equal(preferredLanguage('de, *;q=0.5, fr;q=0.1'), 'en');
    assert.equal(preferredLanguage('nonsense;;q=abc'), 'en');
  });

  test('validator and service wordings become French; unknown texts stay as written', () => {
    assert.equal(problemText('Too small: expected string to have >=1 characters', 'fr'), 'obligatoire');
    assert.equal(
      problemText('Too big: expected string to have <=150 characters', 'fr'),
      'au plus 150 caractères',
    );
    assert.equal(
      problemText('Too small: expected number to be >=1', 'fr'),
      'doit être supérieur ou égal à 1',
    );
    assert.equal(problemText('Invalid input: expected string, received undefined', 'fr'), 'obligatoire');
    assert.equal(problemText('Invalid input: expected number, received NaN', 'fr'), 'un nombre est attendu');
    assert.equal(problemText('must be after start_date', 'fr'), 'doit être après start_date');
    assert.equal(problemText('Event not found', 'fr'), 'Événement introuvable');
    assert.equal(problemText('unknown field', 'fr'), 'champ inconnu');
    assert.equal(problemText('Bad Request', 'fr'), 'Requête invalide');
    assert.equal(problemText('something no catalogue knows', 'fr'), 'something no catalogue knows');
    assert.equal(
      problemText('Too small: expected number to be >=1', 'en'),
      'Too small: expected number to be >=1',
    );
  });

  test('the validator’s messages for the shapes the routes use are French', () => {
    const refused: Array<[z.ZodType, unknown]> = [
      [z.literal('screenshot'), 'x'],
      [z.enum(['a', 'b']), 'c'],
      [
        z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b') })]),
        { k: 'c' },
      ],
      [z.union([z.ipv4(), z.ipv6()]), 'x'],
      [z.ipv4(), 'x'],
      [z.uuid(), 'x'],
      [z.email(), 'x'],
      [z.url(), 'x'],
      [z.iso.datetime({ offset: true }), 'x'],
      [z.iso.date(), 'x'],
      [z.number().int().min(1).max(10), 1.5],
      [z.number().positive(), 0],
      [z.number().max(10), 11],
      [z.string().min(1).max(3), ''],
      [z.string().max(3), 'abcd'],
      [z.string().regex(/a/), 'b'],
      [z.array(z.string()).min(1).max(2), []],
      [z.array(z.string()).max(1), ['a', 'b']],
      [z.strictObject({}), { a: 1 }],
      [z.object({ a: z.string() }), {}],
      [z.boolean(), 'x'],
      [z.date(), 'x'],
      [z.coerce.number(), 'x'],
      [z.stringbool(), 'maybe'],
      [z.hex(), 'xyz'],
      [z.e164(), '0612'],
      [z.base64(), '!!'],
      [z.base64url(), '!!'],
      [z.mac(), 'x'],
      [z.hostname(), '-'],
      [z.jwt(), 'x'],
      [z.iso.duration(), 'x'],
      [z.ulid(), 'x'],
      [z.hash('sha256'), 'x'],
      [z.string().lowercase(), 'A'],
    ];
    const english = refused
      .flatMap(([schema, value]) => schema.safeParse(value).error?.issues ?? [])
      .map((issue) => issue.message)
      .filter((message) => problemText(message, 'fr') === message);
    assert.deepEqual(english, []);
    assert.equal(problemText('Invalid input: expected date, received string', 'fr'), 'une date est attendue');
    assert.equal(
      problemText('Invalid input: expected "screenshot"', 'fr'),
      'la valeur "screenshot" est attendue',
    );
  });

  test('a problem keeps its machine members and extensions in every language', () => {
    const body = {
      type: 'https://roster.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'body.user_id: already assigned in this event',
      errors: [{ path: 'body.user_id', message: 'already assigned in this event' }],
      existing_assignment_id: 'a1',
    };
    const fr = localizeProblem(body, 'fr');
    assert.deepEqual(fr, {
      ...body,
      title: 'Conflit',
      detail: 'body.user_id : a déjà un rôle dans cet événement',
      errors: [{ path: 'body.user_id', message: 'a déjà un rôle dans cet événement' }],
    });
    assert.equal(localizeProblem(body, 'en'), body);
  });
});

/**
 * Texts built at run time that are worded anyway: their values are words checked below (policy
 * actions and entities, admin tasks, 404 entities) or field messages the summary is rebuilt from.
 */
const WORDED_TEMPLATES = new Set([
  '… not found',
  'Only organization admins may …',
  'You may not … this …',
  'Invalid request: …',
  '…: …',
]);

/**
 * Ids a text keeps on purpose: the console files a refused member (a person's number, not a UUID,
 * echoed from the request) under the member picker by it.
 */
const KEPT_IDS = new Set(['user.notMember']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A phrase parameter whose value is written as an id (`row.id`, `userIds[i]`, `assetId`). */
const ID_VALUE = /(^|\W)(id|ids|\w+Ids?)\b|\.id\b/;

describe('every problem raised in src/ has its French', () => {
  const src = new URL('../../', import.meta.url).pathname;
  const { texts, phraseArguments } = raisedProblems(src);
  const vocabulary = problemVocabulary();

  test('the scan finds the problems raised across the modules', () => {
    assert.ok(texts.length > 200, `only ${texts.length} texts found`);
    assert.ok(texts.some((t) => t.at.startsWith('modules/signage/')));
    assert.ok(phraseArguments.length > 40);
  });

  test('each fixed text has a French entry or pattern', () => {
    const english = texts
      .filter((t) => !t.template)
      .map((t) => ({
        ...t,
        text: t.holds === 'adminTask' ? `Only organization admins may ${t.text}` : t.text,
      }))
      .filter((t) => t.holds !== 'entity' && problemText(t.text, 'fr') === t.text)
      .map((t) => `${t.at}: ${t.text}`);
    assert.deepEqual(english, []);
  });

  test('each 404 names a thing the catalogue has a French word for', () => {
    const unknown = texts
      .filter((t) => t.holds === 'entity')
      .filter((t) => t.template || !vocabulary.entities.includes(t.text.toLowerCase()))
      .map((t) => `${t.at}: ${t.text}`);
    assert.deepEqual(unknown, []);
  });

  test('a text with values is raised as a phrase, its values as parameters', () => {
    const built = texts
      .filter((t) => t.template && t.holds !== 'entity' && !WORDED_TEMPLATES.has(t.text))
      .map((t) => `${t.at}: ${t.text}`);
    assert.deepEqual(built, []);
  });

  test('every policy refusal and 404 is worded from French words', async () => {
    const modules = new URL('../../modules/', import.meta.url);
    for (const name of readdirSync(modules)) {
      if (readdirSync(new URL(`${name}/`, modules)).includes('policy.ts'))
        await import(new URL(`${name}/policy.ts`, modules).href);
    }
    assert.ok(policyWords().length > 20);
    const missing = policyWords().flatMap(({ entity, actions }) =>
      [...actions, 'see']
        .map((action) => `You may not ${action} this ${entity.toLowerCase()}`)
        .concat(`${entity} not found`)
        .filter((text) => problemText(text, 'fr') === text),
    );
    const unnamed = policyWords()
      .map(({ entity }) => entity)
      .filter((entity) => !vocabulary.entities.includes(entity.toLowerCase()));
    assert.deepEqual(unnamed, []);
    assert.deepEqual(missing, []);
    assert.equal(
      problemText('You may not edit this session', 'fr'),
      'Vous ne pouvez pas modifier cette session',
    );
    assert.equal(
      problemText('You may not frobnicate this session', 'fr'),
      'You may not frobnicate this session',
    );
  });

  test('a receiver address the server does not connect to is refused in French, whatever the range', () => {
    const english = refusalReasons().filter((why) => problemText(why, 'fr') === why);
    assert.deepEqual(english, []);
    const refused = phrase('receiver.unreachable', { ip: '127.0.0.1', range: fixed('a loopback address') });
    assert.match(
      wordIn(refused, 'en'),
      /^127\.0\.0\.1 is a loopback address, which the server does not connect/,
    );
    assert.match(wordIn(refused, 'fr'), /^127\.0\.0\.1 est une adresse de bouclage, à laquelle le serveur/);
  });

  test('no problem text carries an id', () => {
    const withIds = [
      ...texts.filter((t) => UUID.test(t.text)).map((t) => `${t.at}: ${t.text}`),
      ...phraseArguments
        .filter((p) => ID_VALUE.test(p.value) && !KEPT_IDS.has(p.code))
        .map((p) => `${p.at}: ${p.code} {${p.name}} = ${p.value}`),
    ];
    assert.deepEqual(withIds, []);
  });
});

describe('problem phrases', () => {
  test('every phrase exists in every language, with the same parameters', () => {
    const catalogues = phraseCatalogues();
    const codes = Object.keys(catalogues.en);
    assert.ok(codes.length > 20);
    for (const lang of LANGUAGES) {
      assert.deepEqual(Object.keys(catalogues[lang]).sort(), [...codes].sort(), `codes of ${lang}`);
      for (const code of codes) {
        const template = catalogues[lang][code];
        assert.ok(template?.trim(), `${code} has no ${lang} template`);
        assert.deepEqual(
          templateParams(template),
          templateParams(catalogues.en[code]),
          `parameters of ${code} (${lang})`,
        );
      }
    }
  });

  test('a phrase missing a parameter is refused where it is raised', () => {
    // @ts-expect-error -- the compiler knows the parameters of each code
    assert.throws(() => phrase('room.nameTaken', {}), /room\.nameTaken \(en\) needs name/);
    const params = { title: 'Keynote', start: new Date(0) } as unknown as Parameters<
      typeof phrase<'session.roomTaken'>
    >[1];
    assert.throws(() => phrase('session.roomTaken', params), /needs end/);
  });

  test("a conflict names the thing and the event's local time, in English and in French", () => {
    const keynote = phrase('session.roomTaken', {
      title: 'Keynote',
      start: { at: new Date('2026-12-03T08:00:00Z'), zone: 'Europe/Paris' },
      end: { at: new Date('2026-12-03T09:00:00Z'), zone: 'Europe/Paris' },
    });
    const problem = conflict(keynote, [
      { path: 'body.start_time', message: 'overlaps another session in this room' },
    ]);
    assert.equal(
      problem.detail,
      'The room is taken by "Keynote" (3 Dec 2026, 09:00 – 3 Dec 2026, 10:00, Europe/Paris time)',
    );
    assert.deepEqual(problem.bodyIn('en'), problem.toJSON());
    const fr = problem.bodyIn('fr');
    assert.equal(
      fr.detail,
      'La salle est occupée par « Keynote » (du 03/12/2026 09:00 au 03/12/2026 10:00, heure de Europe/Paris)',
    );
    assert.deepEqual(fr.errors, [
      { path: 'body.start_time', message: 'chevauche une autre session dans cette salle' },
    ]);
    assert.equal(fr.title, 'Conflit');
  });

  test('a field phrase is worded under its path, and phrases nest', () => {
    const short = invalidField('body.new_password', phrase('password.tooShort', { min: 12 }));
    assert.equal(short.detail, 'body.new_password: must be at least 12 characters');
    assert.deepEqual(short.bodyIn('fr'), {
      ...short.toJSON(),
      title: 'Requête invalide',
      detail: 'body.new_password : doit contenir au moins 12 caractères',
      errors: [{ path: 'body.new_password', message: 'doit contenir au moins 12 caractères' }],
    });
    assert.equal(wordIn(phrase('plan.limitField', { max: 3 }), 'fr'), 'limite de 3 atteinte');
  });
});

describeEachBackend('problems in the client’s language', (env) => {
  let admin: Client;
  let org: Organization;

  before(async () => {
    ({ org, admin } = await env().makeOrg('langues'));
  });

  test('a French client reads titles, details and field messages in French, with the same paths', async () => {
    const anonymous = env().client();
    const body = { username: '', password: 'x', extra: 1 };
    const en = await anonymous.request<Problem>('POST', '/api/auth/login', body);
    const fr = await anonymous.request<Problem>('POST', '/api/auth/login', body, {
      'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8',
    });
    assert.equal(en.status, 400);
    assert.equal(fr.status, 400);
    assert.equal(en.headers['content-language'], 'en');
    assert.equal(fr.headers['content-language'], 'fr');
    assert.match(String(fr.headers.vary), /Accept-Language/);
    assert.equal(en.body.title, 'Bad Request');
    assert.equal(fr.body.title, 'Requête invalide');
    // The type is derived from the English title: a client matching on it works in any language.
    assert.equal(fr.body.type, en.body.type);
    assert.deepEqual(
      fr.body.errors?.map((e) => e.path),
      en.body.errors?.map((e) => e.path),
    );
    const messages = Object.fromEntries((fr.body.errors ?? []).map((e) => [e.path, e.message]));
    assert.equal(messages['body.username'], 'obligatoire');
    assert.equal(messages['body.extra'], 'champ inconnu');
    assert.match(fr.body.detail, /^Requête invalide : body\.\w+ (obligatoire|champ inconnu)/);
    assert.doesNotMatch(fr.body.detail, /Too small|unknown field/);
  });

  test('a policy refusal and an admin-only refusal are worded in French; nothing changes', async () => {
    const unit = await admin.post<string, { id: number }>('/api/auth/units/', {
      unit_name: 'Lyon',
      unit_code: 'LYO',
    });
    assert.equal(unit.status, 201, JSON.stringify(unit.body));
    const { client: member } = await env().makeUser(org, 'membre-fr', 'member');
    const fr = { 'accept-language': 'fr' };
    const url = `/api/auth/units/${unit.body.id}`;
    const refused = await member.request<Problem>('PATCH', url, { unit_name: 'Paris' }, fr);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.title, 'Action non autorisée');
    assert.equal(refused.body.detail, 'Vous ne pouvez pas gérer cette unité');
    const en = await member.request<Problem>('PATCH', url, { unit_name: 'Paris' });
    assert.equal(en.body.detail, 'You may not manage this unit');
    const after = await admin.get<string, { unit_name: string }>(url);
    assert.equal(after.body.unit_name, 'Lyon', 'a refused change changes nothing');
    const members = await member.request<Problem>('GET', '/api/members', undefined, fr);
    assert.equal(members.status, 403);
    assert.equal(
      members.body.detail,
      'Seuls les administrateurs de l’organisation peuvent lister les membres',
    );
  });

  test('a 404 names the thing in words, not by its id', async () => {
    const id = '0190a0a0-0000-7000-8000-000000000001';
    const fr = await admin.request<Problem>('GET', `/api/events/events/${id}`, undefined, {
      'accept-language': 'fr',
    });
    assert.equal(fr.status, 404);
    assert.equal(fr.body.detail, 'Événement introuvable');
    assert.ok(!JSON.stringify(fr.body).includes(id));
  });

  test('a language without a catalogue gets English', async () => {
    const res = await env()
      .client()
      .request<Problem>('GET', '/api/auth/me', undefined, { 'accept-language': 'de-DE,de;q=0.9' });
    assert.equal(res.status, 401);
    assert.equal(res.headers['content-language'], 'en');
    assert.equal(res.body.detail, 'Authentication required');
  });

  test('404, 401 and query errors are translated too', async () => {
    const fr = { 'accept-language': 'fr' };
    const noRoute = await admin.request<Problem>('GET', '/api/no-such-route', undefined, fr);
    assert.equal(noRoute.status, 404);
    assert.equal(noRoute.body.title, 'Introuvable');
    assert.equal(noRoute.body.detail, 'Aucune route GET /api/no-such-route');
    const anonymous = await env().client().request<Problem>('GET', '/api/auth/me', undefined, fr);
    assert.equal(anonymous.body.title, 'Authentification requise');
    assert.equal(anonymous.body.detail, 'Authentification requise');
    const limit = await admin.request<Problem>('GET', '/api/audit?limit=0', undefined, fr);
    assert.equal(limit.status, 400);
    assert.deepEqual(limit.body.errors, [
      { path: 'query.limit', message: 'doit être supérieur ou égal à 1' },
    ]);
  });

  test('a refused request in French changes nothing', async () => {
    const before = await env().inOrg(org, (t) =>
      t.tx.select().from(auditLog).where(eq(auditLog.orgId, t.orgId)),
    );
    const res = await admin.request<Problem>(
      'POST',
      '/api/members',
      { username: '' },
      { 'accept-language': 'fr' },
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-language'], 'fr');
    const after = await env().inOrg(org, (t) =>
      t.tx.select().from(auditLog).where(eq(auditLog.orgId, t.orgId)),
    );
    assert.equal(after.length, before.length);
  });

  test('a session clashing with another is answered in French with its title and the event’s local time', async () => {
    const event = await admin.post('/api/events/events', {
      name: 'Journées',
      start_date: '2026-12-01T08:00:00Z',
      end_date: '2026-12-05T18:00:00Z',
      timezone: 'Europe/Paris',
    });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    const url = `/api/events/events/${event.body.id}`;
    const room = await admin.post<string, { id: string }>(`${url}/rooms`, { name: 'Salle 1', capacity: 50 });
    const session = {
      room_id: room.body.id,
      start_time: '2026-12-03T08:00:00Z',
      end_time: '2026-12-03T09:00:00Z',
    };
    assert.equal((await admin.post(`${url}/sessions`, { ...session, title: 'Keynote' })).status, 201);
    const clash = { ...session, title: 'Atelier', start_time: '2026-12-03T08:30:00Z' };
    const fr = await admin.request<Problem>('POST', `${url}/sessions`, clash, { 'accept-language': 'fr' });
    assert.equal(fr.status, 409);
    assert.equal(
      fr.body.detail,
      'La salle est occupée par « Keynote » (du 03/12/2026 09:00 au 03/12/2026 10:00, heure de Europe/Paris)',
    );
    const en = await admin.request<Problem>('POST', `${url}/sessions`, clash);
    assert.equal(
      en.body.detail,
      'The room is taken by "Keynote" (3 Dec 2026, 09:00 – 3 Dec 2026, 10:00, Europe/Paris time)',
    );
    assert.equal(en.body.type, fr.body.type);
    const sessions = await admin.get<string, { items: Array<{ title: string }> }>(`${url}/sessions`);
    assert.deepEqual(
      sessions.body.items.map((s) => s.title),
      ['Keynote'],
      'a refused session is not stored',
    );
  });
});
