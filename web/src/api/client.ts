// A small typed fetch client over the generated OpenAPI types: paths, bodies, query strings and
// JSON answers are checked against the server's routes at compile time.
import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<C> = C extends { content: { 'application/json': infer T } } ? T : undefined;
type Success<R> =
  (R extends { 200: infer A } ? Json<A> : never) | (R extends { 201: infer A } ? Json<A> : never);
type OkOf<O> = O extends { responses: infer R }
  ? [Success<R>] extends [never]
    ? undefined
    : Success<R>
  : undefined;
type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type PathOf<O> = O extends { parameters: { path: infer P } }
  ? P extends Record<string, unknown>
    ? P
    : never
  : never;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;

export type Answer<P extends keyof paths, M extends Method> = OkOf<Op<P, M>>;
export type Body<P extends keyof paths, M extends Method> = BodyOf<Op<P, M>>;

export interface CallOptions<O> {
  path?: PathOf<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
  signal?: AbortSignal;
}

/** An RFC 9457 problem from the server, with the field errors when there are some. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(detail || title);
  }
}

const TOKEN_KEY = 'roster.token';
export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token: string | null) {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

/** Called when the server answers 401 to a logged-in call (session expired or revoked). */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(fn: () => void) {
  onUnauthorized = fn;
}

/** A path or query parameter as text: the API's parameters are strings, numbers or booleans. */
function paramText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function fill(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(paramText(params?.[k])));
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') qs.set(k, paramText(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export async function call<P extends keyof paths, M extends Method>(
  method: M,
  path: P,
  opts: CallOptions<Op<P, M>> = {},
): Promise<Answer<P, M>> {
  // The API words its problems in the console's language where it has a catalogue for it.
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': document.documentElement.lang || 'en',
  };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const url = fill(path, opts.path) + queryString(opts.query);
  const res = await fetch(url, {
    method: method.toUpperCase(),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  if (res.status === 204) return undefined as Answer<P, M>;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && token) onUnauthorized();
    throw problemError(res, data);
  }
  return data as Answer<P, M>;
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** The error for a failed answer: its problem+json body when it has one, else the HTTP status text. */
export function problemError(res: Response, body: unknown): ApiError {
  const problem: Problem = typeof body === 'object' && body !== null ? body : {};
  return new ApiError(
    res.status,
    problem.title ?? res.statusText,
    problem.detail ?? '',
    problem.errors ?? [],
  );
}

export const api = {
  get: <P extends keyof paths>(path: P, opts?: CallOptions<Op<P, 'get'>>) => call('get', path, opts),
  post: <P extends keyof paths>(path: P, opts?: CallOptions<Op<P, 'post'>>) => call('post', path, opts),
  put: <P extends keyof paths>(path: P, opts?: CallOptions<Op<P, 'put'>>) => call('put', path, opts),
  patch: <P extends keyof paths>(path: P, opts?: CallOptions<Op<P, 'patch'>>) => call('patch', path, opts),
  del: <P extends keyof paths>(path: P, opts?: CallOptions<Op<P, 'delete'>>) => call('delete', path, opts),
};

/** A readable one-line message for any failure (field errors included). */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.errors.map((e) => `${e.path.replace(/^body\./, '')}: ${e.message}`).join('; ');
    return fields ? `${err.detail || err.title} (${fields})` : err.detail || err.title;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Every item of a keyset-paginated list (reference data such as units; pages of 200). */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    items.push(...p.items);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return items;
}
