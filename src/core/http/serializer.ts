import { isDeepStrictEqual } from 'node:util';
import type { FastifySerializerCompiler } from 'fastify';
import fastJson from 'fast-json-stringify';
import {
  ResponseSerializationError,
  serializerCompiler as zodSerializerCompiler,
} from 'fastify-type-provider-zod';
import { z } from 'zod';

type JsonSchema = { [keyword: string]: unknown };
type Serialize = (data: unknown) => string;

export interface ResponseSerializerOptions {
  /**
   * Also check every response against its zod schema, and that the compiled serializer wrote
   * exactly what the schema lets through: a response of the wrong shape fails the request. For
   * tests: it costs what the compiled serializer saves.
   */
  checkResponses: boolean;
}

/**
 * Serializers compiled from the route response schemas (fast-json-stringify), instead of parsing
 * every response object through zod and then `JSON.stringify`-ing it. The compiled code writes
 * the schema's properties and nothing else, so a field a row carries but the schema does not
 * declare never reaches the client; a missing required field fails the response (500). What it
 * does not do is check types — a number where the schema says string is written as a string —
 * which is what `checkResponses` catches in tests. A schema JSON Schema cannot express is
 * serialized through zod, as before.
 */
export function responseSerializerCompiler(
  options: ResponseSerializerOptions,
): FastifySerializerCompiler<unknown> {
  return (route) => {
    const { schema, method, url } = route;
    const viaZod = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]) as Serialize;
    if (!(schema instanceof z.ZodType)) return viaZod;
    // Compiled on first use: most routes of a process never answer, and each build costs a few ms.
    let compiled: Serialize | undefined;
    // The same error zod's check throws, so the error handler answers and logs it the same way.
    const fail = (cause: unknown): never => {
      throw new ResponseSerializationError(method, url, { cause: cause as z.core.$ZodError });
    };
    const fast: Serialize = (data) => {
      compiled ??= compile(schema) ?? viaZod;
      try {
        return compiled(data);
      } catch (err) {
        return fail(err);
      }
    };
    if (!options.checkResponses) return fast;
    return (data) => {
      const expected = viaZod(data);
      const written = fast(data);
      if (!isDeepStrictEqual(JSON.parse(written), JSON.parse(expected)))
        fail(new Error(`the compiled serializer wrote ${written}, the schema lets through ${expected}`));
      return written;
    };
  };
}

/**
 * The compiled serializer of a zod schema, or undefined when JSON Schema (or fast-json-stringify)
 * cannot express it.
 */
export function compile(schema: z.ZodType): Serialize | undefined {
  try {
    const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' });
    return fastJson(forSerializer(json) as Parameters<typeof fastJson>[0]);
  } catch {
    return undefined;
  }
}

/**
 * The JSON Schema a serializer needs. `additionalProperties: false` only matters to the
 * validation fast-json-stringify runs to choose a union's branch, where it would refuse a row
 * with one column more; the serializer writes declared properties only anyway. A nullable value
 * (`anyOf: [X, null]`) becomes `type: [X's type, 'null']` (null added to an `enum`), written
 * directly rather than chosen by validating the value against each branch.
 */
function forSerializer(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forSerializer);
  if (!node || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node as JsonSchema))
    if (!(keyword === 'additionalProperties' && value === false)) out[keyword] = forSerializer(value);
  const branches = out.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return out;
  const nullAt = branches.findIndex((b: JsonSchema) => b.type === 'null' && Object.keys(b).length === 1);
  const other = branches[1 - nullAt] as JsonSchema | undefined;
  if (nullAt < 0 || typeof other?.type !== 'string' || other.const !== undefined) return out;
  delete out.anyOf;
  // `enum` constrains every type, so null joins its list (a union's branch is chosen by validation).
  const values = Array.isArray(other.enum) ? { enum: [...(other.enum as unknown[]), null] } : {};
  return { ...out, ...other, ...values, type: [other.type, 'null'] };
}
