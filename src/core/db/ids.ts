import { z } from 'zod';

/** Path/body id validators: malformed ids are a 400 naming the field, never a database error. */
export const uuidParam = z.uuid({ message: 'must be a UUID' });
export const intId = z.coerce
  .number({ message: 'must be an integer id' })
  .int('must be an integer id')
  .positive('must be a positive id')
  .max(Number.MAX_SAFE_INTEGER);
/** Strict integer for JSON bodies: "5" is not an id. */
export const bodyIntId = z
  .number({ message: 'must be an integer id' })
  .int('must be an integer id')
  .positive('must be a positive id')
  .max(Number.MAX_SAFE_INTEGER);
