import { ApiError } from '../api/client';
import type { Key } from './en';
import type { T } from './index';

/** Field names that have a noun in the catalogues, for "Enter a name" style messages. */
const NOUNS: Record<string, Key> = {
  name: 'noun.name',
  title: 'noun.title',
  username: 'noun.username',
  full_name: 'noun.fullName',
  email: 'noun.email',
  location: 'noun.location',
  description: 'noun.description',
  question_text: 'noun.question',
  answer_text: 'noun.answer',
  unit_name: 'noun.unitName',
  unit_code: 'noun.unitCode',
  department_name: 'noun.departmentName',
  code: 'noun.pairingCode',
  uri: 'noun.url',
  timezone: 'noun.timezone',
  capacity: 'noun.capacity',
  price: 'noun.price',
  duration: 'noun.duration',
  start_date: 'noun.start',
  end_date: 'noun.end',
  start_time: 'noun.start',
  end_time: 'noun.end',
  room_id: 'noun.room',
  session_id: 'noun.session',
  user_id: 'noun.staff',
  password: 'noun.password',
  new_password: 'noun.password',
};

/**
 * The one mapping from the API's field errors (`{path: 'body.name', message}`) to words a person
 * reads: the validator's wording is recognised by its shape, the field gives the noun. What is not
 * recognised is shown as the API wrote it.
 */
export function fieldMessage(t: T, field: string, message: string): string {
  const m = message.toLowerCase();
  const noun = NOUNS[field] ? t(NOUNS[field]) : t('noun.value');
  const num = (re: RegExp) => Number(re.exec(m)?.[1] ?? 0);
  // The API words its messages in the language the console asked for: English and French shapes.
  if (/must be after|end.*before.*start|doit être après/.test(m)) return t('err.endAfterStart');
  if (/overlaps another session|chevauche une autre session/.test(m)) return t('err.sessionOverlap');
  if (/overlaps another room slot|chevauche un autre créneau/.test(m)) return t('err.slotOverlap');
  if (/already assigned in this event|a déjà un rôle/.test(m)) return t('err.alreadyAssigned');
  if (/duplicate|already in the list|listed twice|en double|deux fois/.test(m)) return t('err.duplicate');
  if (/already (used|exists|registered|taken)|is taken|déjà (utilisé|pris|enregistré)|existe déjà/.test(m))
    return t('err.taken', { noun });
  if (/outside the event|en dehors des dates/.test(m)) return t('err.outsideEvent');
  if (/capacity below occupancy|capacité inférieure/.test(m)) return t('err.capacityBelow');
  if (/unknown field|champ inconnu/.test(m)) return t('err.unknownField');
  if (/iso 8601|datetime|date-time|invalid date|date et heure/.test(m)) return t('err.dateTime');
  if (/time ?zone|iana|fuseau/.test(m)) return t('err.timezone');
  if (/received undefined|received null|required|>=1 characters|empty|obligatoire|manquant|vide/.test(m))
    return t('err.required', { noun });
  if (/too small.*characters|au moins \d+ caractères/.test(m))
    return t('err.tooShort', { count: num(/(?:>=\s*|au moins )(\d+)/) });
  if (/too big.*characters|au plus \d+ caractères/.test(m))
    return t('err.tooLong', { count: num(/(?:<=\s*|au plus )(\d+)/) });
  if (/too small|>=|supérieur ou égal/.test(m)) return t('err.min', { min: num(/(?:>=?|à)\s*(-?\d+)/) });
  if (/too big|<=|inférieur ou égal/.test(m)) return t('err.max', { max: num(/(?:<=?|à)\s*(-?\d+)/) });
  if (/expected number|nan|not a number|nombre est attendu/.test(m)) return t('err.number');
  if (/email|e-mail/.test(m)) return t('err.email');
  if (/url|uri/.test(m)) return t('err.url');
  if (/invalid option|expected one of|invalid enum|choix invalide/.test(m)) return t('err.choice');
  if (/not found|does not exist|introuvable|inexistant/.test(m)) return t('err.notFound', { noun });
  return message;
}

/** The field a problem's error path names: `body.unit_assignments_data.1.unit_id` → its top field. */
export const fieldOf = (path: string) => path.replace(/^(body|query|params)\./, '').split('.')[0];

/** Words for a whole problem: known statuses in the catalogue, the API's detail after them. */
export function problemMessage(t: T, err: unknown): string {
  if (err instanceof ApiError) {
    const first = err.errors[0];
    if (first) {
      const field = fieldOf(first.path);
      const noun = NOUNS[field] ? t(NOUNS[field]) : field;
      return `${noun}: ${fieldMessage(t, field, first.message)}`;
    }
    if (err.status === 0) return t('err.network');
    if (err.status === 403) return err.detail || t('err.forbidden');
    if (err.status === 404) return err.detail || t('err.notFoundPage');
    if (err.status === 429) return t('err.tooMany');
    if (err.status >= 500) return t('err.server');
    return err.detail || err.title;
  }
  if (err instanceof TypeError) return t('err.network');
  return err instanceof Error ? err.message : String(err);
}
