import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { z } from 'zod';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import type { Client, TestEnv } from '../../../test/support/env.ts';
import type { pairedOut, pairingPendingOut, screenPlaylistView } from './views.ts';

/** Builders the signage scenarios share: each test still makes its own org, screens and assets. */

type PairedBody = z.infer<typeof pairedOut>;
type PendingBody = z.infer<typeof pairingPendingOut>;
/** A pairing poll answers pending (202) or paired (200): a test reads the fields after the status. */
type PairPollBody = Omit<PairedBody, 'status'> & Omit<PendingBody, 'status'> & { status: string };
export const pairPoll = (c: Client, secret: string) =>
  c.get<string, PairPollBody>(`/api/device/pair/${secret}`);

export type PollBody = ReturnType<typeof screenPlaylistView> & ProblemBody;
/** The screen's playlist poll, with its ETag at hand. */
export const poll = (screen: Client) =>
  screen.get<string, PollBody>('/api/device/playlist').then((r) => ({ ...r, etag: String(r.headers.etag) }));

/**
 * A screen through the whole pairing flow (the screen asks for a code, the admin claims it with
 * `claim`'s extra fields, the screen collects its token): its token client, token and id.
 */
export async function pairScreen(
  env: TestEnv,
  admin: Client,
  name: string,
  claim: Record<string, unknown> = {},
) {
  const pair = await env.client().post('/api/device/pair');
  assert.equal(pair.status, 201);
  const claimed = await admin.post('/api/signage/devices/claim', { code: pair.body.code, name, ...claim });
  assert.equal(claimed.status, 201, JSON.stringify(claimed.body));
  const paired = await pairPoll(env.client(), pair.body.pairing_secret);
  assert.equal(paired.status, 200);
  const token = paired.body.device_token;
  return { screen: env.client(token), token, id: claimed.body.id };
}

/** A PNG as far as content sniffing goes: its signature, then `size` random bytes. */
export const png = (size = 200) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(size)]);

/** A multipart body as browsers, DRF's test client and `curl -F` send it: fields, then one file. */
export function multipart(
  fields: Record<string, unknown>,
  file?: { field?: string; name: string; type?: string; data: Buffer },
) {
  const boundary = `----roster${crypto.randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`),
    );
  if (file)
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; ` +
          `filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}
