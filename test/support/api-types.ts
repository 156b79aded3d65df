// Response types for the in-process test client, read from the generated OpenAPI types
// (web/src/api/schema.d.ts, kept current by `npm run gen:api` and checked in CI), so a test reads
// `res.body.items[0].name` with the route's real response type instead of `any`.
import type { paths } from '../../web/src/api/schema.d.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `/api/x/{id}/y` → `/api/x/${string}/y`: the shape of a concrete URL for that route. */
type Pattern<P extends string> = P extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${Pattern<Tail>}`
  : P;

/** The path of a URL without its query, and without a trailing slash (routes answer both). */
type PathPart<U extends string> = NoSlash<U extends `${infer P}?${string}` ? P : U>;
type NoSlash<P extends string> = P extends `${infer Q}/` ? Q : P;

type RouteKey = Extract<keyof paths, string>;

/** Routes whose shape accepts the URL (a `${string}` segment can swallow several path segments). */
type Loose<U extends string, M extends Method> = {
  [K in RouteKey]: PathPart<U> extends Pattern<K> ? (M extends keyof paths[K] ? K : never) : never;
}[RouteKey];

/** Of those, the ones whose shape is exactly the URL's: the route a test meant. */
type Exact<U extends string, M extends Method> = {
  [K in Loose<U, M>]: Pattern<K> extends PathPart<U> ? K : never;
}[Loose<U, M>];

export type RouteOf<U extends string, M extends Method> = [Exact<U, M>] extends [never]
  ? Loose<U, M>
  : Exact<U, M>;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type SuccessOf<Op> = Op extends { responses: infer Rs }
  ? { [S in keyof Rs]: S extends 200 | 201 | 202 ? JsonOf<Rs[S]> : never }[keyof Rs]
  : never;

/**
 * What an error answer carries (application/problem+json). Typed as always present: a test reads
 * them after asserting an error status, where a missing one fails the assertion anyway.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: { path: string; message: string }[];
}

type Found<U extends string, M extends Method> = SuccessOf<
  paths[RouteOf<U, M>][M & keyof paths[RouteOf<U, M>]]
>;

/**
 * The body of a response to `M U`: the route's success type with the problem fields optional, so a
 * test can read either after checking the status. A URL typed only as `string` gives `Untyped`.
 */
export type BodyOf<U extends string, M extends Method> = string extends U
  ? Untyped
  : [RouteOf<U, M>] extends [never]
    ? Untyped
    : [Found<U, M>] extends [never]
      ? ProblemBody
      : WithProblem<Found<U, M>>;

/** Each success shape with the problem fields it does not already have (a scan's own `status`). */
type WithProblem<F> = F extends unknown ? F & Omit<ProblemBody, keyof F> : never;

/**
 * The body of a URL the compiler cannot read (built at run time). Tests are moving to typed URLs
 * (template literals) or explicit type arguments; until then this is the one place `any` remains.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Untyped = any;
