import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../http/problem.ts';
import { fixed, phrase } from '../http/problem-texts.ts';

/**
 * The file of a multipart upload (form field "file"), as a stream for `FileStorage.put`; a request
 * that is not multipart or carries no file is a 400 saying how to send it.
 */
export async function uploadedFile(req: FastifyRequest, what = 'file'): Promise<Readable> {
  if (!req.isMultipart())
    throw badRequest(phrase('upload.send', { what: fixed(what) }), [{ path: 'file', message: 'missing' }]);
  const part = await req.file();
  if (!part) throw badRequest('No file in the upload', [{ path: 'file', message: 'missing' }]);
  return part.file;
}
