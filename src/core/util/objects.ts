/**
 * The keys of `o` whose value is not `undefined`: a PATCH body leaves out what it does not change,
 * and an update must not write those columns (Drizzle would set them to NULL or default).
 */
export function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
