import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, HttpProblem } from '../http/problem.ts';
import { phrase } from '../http/problem-texts.ts';
import { sniffType, type SniffedType } from './sniff.ts';

/** A stored file as the services see it: where it is, what it is, how big, its checksum. */
export interface StoredFile {
  key: string;
  size: number;
  md5: string;
  sha256: string;
  type: SniffedType;
}

/**
 * Where uploads go. Local directory by default; an S3-compatible store implements the same four
 * calls (put a stream, open a stream, delete, size) without the services changing.
 */
export interface FileStorage {
  put(key: string, source: Readable, limits: UploadLimits): Promise<StoredFile>;
  open(key: string): Readable;
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export interface UploadLimits {
  maxBytes: number;
  /** Accepted content types, checked against the sniffed bytes. */
  accept: SniffedType[];
}

const SNIFF_BYTES = 16;

/** Streams to disk while counting, hashing and sniffing; anything refused leaves no file behind. */
export function createLocalStorage(root: string): FileStorage {
  const full = (key: string) => {
    const resolved = path.resolve(root, key);
    if (!resolved.startsWith(path.resolve(root) + path.sep)) throw badRequest('Invalid file key');
    return resolved;
  };
  return {
    async put(key, source, limits) {
      const target = full(key);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${crypto.randomBytes(4).toString('hex')}.part`;
      const md5 = crypto.createHash('md5');
      const sha256 = crypto.createHash('sha256');
      let size = 0;
      let head = Buffer.alloc(0);
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > limits.maxBytes)
            return done(
              new HttpProblem(
                413,
                'Payload Too Large',
                phrase('file.tooBig', { kib: Math.floor(limits.maxBytes / 1024) }),
              ),
            );
          if (head.length < SNIFF_BYTES)
            head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          md5.update(chunk);
          sha256.update(chunk);
          done(null, chunk);
        },
      });
      const sink = fs.createWriteStream(tmp);
      try {
        await pipeline(source, meter, sink);
        // @fastify/multipart truncates silently at its own limit: treat that as too large too.
        if ((source as Readable & { truncated?: boolean }).truncated)
          throw new HttpProblem(413, 'Payload Too Large', 'File exceeds the upload limit');
        if (size === 0) throw badRequest('The file is empty', [{ path: 'file', message: 'empty file' }]);
        const type = sniffType(head);
        if (!type || !limits.accept.includes(type)) {
          throw badRequest(phrase('file.notAccepted', { accepted: limits.accept.join(', ') }), [
            { path: 'file', message: type ? phrase('file.contentIs', { type }) : 'unrecognised content' },
          ]);
        }
        fs.renameSync(tmp, target);
        return { key, size, md5: md5.digest('hex'), sha256: sha256.digest('hex'), type };
      } catch (err) {
        // A refused stream may still be opening its file: wait for it to close, or the late open
        // would re-create the partial file after we removed it.
        if (!sink.closed) await once(sink, 'close').catch(() => {});
        fs.rmSync(tmp, { force: true });
        throw err;
      }
    },
    open(key) {
      return fs.createReadStream(full(key));
    },
    remove(key) {
      fs.rmSync(full(key), { force: true });
      return Promise.resolve();
    },
    exists(key) {
      return Promise.resolve(fs.existsSync(full(key)));
    },
  };
}

/** A stored file's whole content in memory: for the callers that must send or pack it in one piece. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
