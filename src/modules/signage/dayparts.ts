import { z } from 'zod';
import type { DayPart } from './schema.ts';

/** `HH:MM` from 00:00 to 23:59, or 24:00 (the end of the day, only as `until`). */
const clockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like 08:30 (00:00–24:00)');

/**
 * One day-part as the API takes it: chosen ISO weekdays (1 = Monday … 7 = Sunday) and a window
 * on the screen's wall clock. `until` before `from` is an overnight window (22:00–02:00), which
 * belongs to the day it starts; a window of zero length is refused (for "all day", write
 * 00:00–24:00).
 */
export const dayPartIn = z
  .strictObject({
    days: z
      .array(
        z
          .number()
          .int()
          .min(1, 'weekdays are 1 (Monday) to 7 (Sunday)')
          .max(7, 'weekdays are 1 (Monday) to 7 (Sunday)'),
      )
      .min(1, 'choose at least one weekday')
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'a weekday is listed twice'),
    from: clockTime.refine((v) => v !== '24:00', 'a window starts at 23:59 at the latest'),
    until: clockTime,
  })
  .refine((w) => w.from !== w.until, {
    message: 'the window is empty: from and until are the same time',
    path: ['until'],
  })
  .transform((w): DayPart => ({ days: [...w.days].sort((a, b) => a - b), from: w.from, until: w.until }));

/** A list of day-parts (empty: at any time). */
export const dayPartsIn = z.array(dayPartIn).max(28, 'at most 28 windows');

/** The day-parts as the API shows them. */
export const dayPartOut = z.object({ days: z.array(z.number()), from: z.string(), until: z.string() });
