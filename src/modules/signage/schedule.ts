import { invalidField } from '../../core/http/problem.ts';

const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DDTHH:mm:ss` as the wall clock reads in `tz` at `instant`. */
export function wallClockAt(instant: Date, tz: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * Schedule bounds are wall-clock times, so "08:00–18:00" means local time on every screen. A
 * value without offset is taken as is; one with an offset (or Z) is an instant, converted to the
 * wall clock of the asset's timezone.
 */
export function toWallClock(value: string, tz: string, field: string): string {
  const local = LOCAL.exec(value);
  if (local) return `${local[1]}T${local[2]}:${local[3]}:${local[4] ?? '00'}`;
  if (WITH_OFFSET.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) return wallClockAt(instant, tz);
  }
  throw invalidField(field, 'must be a date-time like 2025-01-31T08:00:00 (local) or with an offset');
}

/** Database `timestamp` text ("2025-01-31 08:00:00") in the API's form. */
export function fromDbTimestamp(value: string | null): string | null {
  return value === null ? null : value.replace(' ', 'T').slice(0, 19);
}

/** The instant at which the wall clock of `tz` reads `wall` (`YYYY-MM-DDTHH:mm:ss`), as ISO UTC. */
export function wallClockToInstant(wall: string, tz: string): string {
  const asUtc = Date.parse(`${wall}Z`);
  let instant = asUtc;
  // Two passes settle the zone offset, including across a DST change between guess and answer.
  for (let i = 0; i < 2; i++)
    instant = asUtc - (Date.parse(`${wallClockAt(new Date(instant), tz)}Z`) - instant);
  return new Date(instant).toISOString().replace('.000Z', 'Z');
}
