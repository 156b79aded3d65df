import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { sameOrgReferenceColumn } from '../db/columns.ts';
import { HttpProblem, invalidRequest, type FieldError } from './problem.ts';
import { nulRefused } from './nul.ts';
import { phrase, preferredLanguage } from './problem-texts.ts';
import { unavailableProblem } from './unavailable.ts';

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

function validationErrors(error: {
  validation: Array<{
    instancePath: string;
    message?: string;
    keyword: string;
    params: Record<string, unknown>;
  }>;
  validationContext?: string;
}): FieldError[] {
  const context = CONTEXT_NAMES[error.validationContext ?? 'body'] ?? 'body';
  return error.validation.flatMap((v) => {
    const base = [context, ...v.instancePath.split('/').filter(Boolean)].join('.');
    // Unknown fields are refused by strict schemas: name each one so the client knows what to drop.
    if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys)) {
      const message = context === 'query' ? 'unknown parameter' : 'unknown field';
      return (v.params.keys as string[]).map((k) => ({ path: `${base}.${k}`, message }));
    }
    return [{ path: base, message: v.message ?? 'invalid' }];
  });
}

interface PgError {
  code?: string;
  constraint?: string;
  table?: string;
  detail?: string;
}

/**
 * The request field behind a refused same-org reference: the column the constraint is named after,
 * when the body sent it (`unit_id`, or a list of them as `asset_ids`). Deleting a row still referenced
 * trips the same constraint but sends no such field, so it names none.
 */
function referenceField(err: PgError, body: unknown): FieldError[] | undefined {
  const column = sameOrgReferenceColumn(err.constraint, err.table);
  if (!column || !body || typeof body !== 'object') return undefined;
  const field = [column, `${column}s`].find((k) => k in body);
  return field ? [{ path: `body.${field}`, message: 'no such record in this organization' }] : undefined;
}

/** A database refusal's text, naming the constraint (or its kind when the driver gives no name). */
const constraintPhrase = (
  code: 'db.unique' | 'db.reference' | 'db.check' | 'db.exclusion',
  err: PgError,
  kind: string,
) => phrase(code, { constraint: err.constraint ?? kind });

/** Database refusals the services did not pre-check become 4xx instead of 500s. */
function fromDatabase(err: PgError, body?: unknown): HttpProblem | undefined {
  switch (err.code) {
    case '23505':
      return new HttpProblem(409, 'Conflict', constraintPhrase('db.unique', err, 'unique constraint'));
    case '23503':
      return new HttpProblem(
        400,
        'Bad Request',
        constraintPhrase('db.reference', err, 'foreign key'),
        referenceField(err, body),
      );
    case '23514':
      return new HttpProblem(
        422,
        'Unprocessable Entity',
        constraintPhrase('db.check', err, 'check constraint'),
      );
    case '23P01':
      return new HttpProblem(409, 'Conflict', constraintPhrase('db.exclusion', err, 'exclusion constraint'));
    case '22021': // NUL in text
    case '22P05': // NUL (\u0000) inside jsonb
      return nulRefused();
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new HttpProblem(400, 'Bad Request', 'A value has the wrong format or is out of range');
    case '40001':
    case '40P01':
      return new HttpProblem(409, 'Conflict', 'Concurrent update, please retry');
    default:
      return undefined;
  }
}

function toProblem(error: FastifyError & PgError, body?: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return invalidRequest(validationErrors(error));
  }
  if (isResponseSerializationError(error) && 'method' in error) return undefined;
  const fromDb = fromDatabase(
    error.cause && typeof error.cause === 'object' && 'code' in error.cause
      ? (error.cause as PgError)
      : error,
    body,
  );
  if (fromDb) return fromDb;
  const status = error.statusCode;
  if (status && status >= 400 && status < 500) {
    const title =
      status === 413
        ? 'Payload Too Large'
        : status === 415
          ? 'Unsupported Media Type'
          : status === 429
            ? 'Too Many Requests'
            : status === 404
              ? 'Not Found'
              : 'Bad Request';
    return new HttpProblem(status, title, error.message);
  }
  return undefined;
}

/** A Vary header that adds `field` to what an earlier hook (CORS) already listed. */
function varyOn(current: unknown, field: string): string {
  const listed = typeof current === 'string' && current ? current.split(/\s*,\s*/) : [];
  return listed.some((f) => f.toLowerCase() === field.toLowerCase())
    ? listed.join(', ')
    : [...listed, field].join(', ');
}

/** Answers with `problem` in the language the client prefers among those the API speaks. */
export function sendProblem(reply: FastifyReply, problem: HttpProblem) {
  if (problem.headers) reply.headers(problem.headers);
  const lang = preferredLanguage(reply.request.headers['accept-language']);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .header('content-language', lang)
    .header('vary', varyOn(reply.getHeader('vary'), 'Accept-Language'))
    .send(problem.bodyIn(lang));
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error, request.body) ?? unavailableProblem(error, request);
  if (problem) return sendProblem(reply, problem);
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(
    reply,
    // The request id is a member of its own, not part of the text: support finds the log line by it.
    new HttpProblem(500, 'Internal Server Error', 'Unexpected error', undefined, undefined, {
      request_id: request.id,
    }),
  );
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(
    reply,
    new HttpProblem(
      404,
      'Not Found',
      phrase('http.noRoute', { method: request.method, url: request.url.split('?')[0] }),
    ),
  );
}
