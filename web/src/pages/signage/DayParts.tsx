import { useEffect, useRef, useState } from 'react';
import { useI18n, useT } from '../../i18n';
import type { Key } from '../../i18n/en';
import type { Asset } from './shared';

export type DayPart = Asset['dayparts'][number];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
/** The API's own bound: more windows than this is refused. */
const MAX_WINDOWS = 28;
/** The hidden field carrying the windows in the enclosing form. */
const FIELD = 'dayparts';

/** Short weekday names of the console's language, Monday first (ISO 1–7). */
export function useWeekdays(): Record<number, string> {
  const { lang } = useI18n();
  const name = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Object.fromEntries(WEEKDAYS.map((d) => [d, name.format(Date.UTC(2024, 0, d))]));
}

/** "Mon Fri 22:00–02:00" for each window, or "any time". */
export function DayPartsText({ dayparts }: { dayparts: DayPart[] }) {
  const t = useT();
  const names = useWeekdays();
  if (dayparts.length === 0) return <span className="small muted">{t('signage.anyTime')}</span>;
  return (
    <span className="small" data-testid="dayparts">
      {dayparts.map((w) => `${w.days.map((d) => names[d]).join(' ')} ${w.from}–${w.until}`).join(' · ')}
    </span>
  );
}

/** A window as the form holds it: `until` as a time input shows it (midnight is 00:00). */
interface Draft {
  key: number;
  days: number[];
  from: string;
  until: string;
}

let nextKey = 0;
const draftOf = (w: DayPart): Draft => ({
  key: nextKey++,
  days: w.days,
  from: w.from,
  until: w.until === '24:00' ? '00:00' : w.until,
});
/** A new window starts on working days, office hours: a valid window to adjust. */
const newDraft = (): Draft => ({ key: nextKey++, days: [1, 2, 3, 4, 5], from: '09:00', until: '17:00' });

/** No time means the start (from) or the end (until) of the day; an end of 00:00 is midnight. */
const windowOf = (d: Draft): DayPart => ({
  days: [...d.days].sort((a, b) => a - b),
  from: d.from || '00:00',
  until: !d.until || d.until === '00:00' ? '24:00' : d.until,
});

/** What is wrong with a window, in the catalogue's words (the API refuses the same). */
function problemOf(d: Draft): Key | null {
  if (d.days.length === 0) return 'signage.daypartNoDay';
  const w = windowOf(d);
  if (w.from === w.until) return 'signage.daypartEmpty';
  return null;
}

/**
 * The day-parts of a form, or null when a window is wrong (the editor says why next to it).
 * No window at all means "at any time" (an empty list).
 */
export function dayPartsOf(f: FormData): DayPart[] | null {
  const raw = f.get(FIELD);
  if (typeof raw !== 'string' || raw === '') return [];
  const drafts = JSON.parse(raw) as Draft[];
  return drafts.some((d) => problemOf(d)) ? null : drafts.map(windowOf);
}

/**
 * Several windows, each with its weekdays and from/until on the screen's clock: add, change,
 * remove. An `until` before `from` runs overnight. The windows travel in a hidden field of the
 * enclosing form (read with dayPartsOf); `error` is the API's refusal, under the list.
 */
export function DayPartsEditor({ value = [], error }: { value?: DayPart[]; error?: string }) {
  const t = useT();
  const names = useWeekdays();
  const [drafts, setDrafts] = useState(() => value.map(draftOf));
  const hidden = useRef<HTMLInputElement>(null);
  // A form reset (after a create) brings the windows back to `value`, as it does the other fields.
  const initial = useRef(value);
  useEffect(() => {
    const form = hidden.current?.form;
    const reset = () => setDrafts(initial.current.map(draftOf));
    form?.addEventListener('reset', reset);
    return () => form?.removeEventListener('reset', reset);
  }, []);
  const change = (key: number, patch: Partial<Draft>) =>
    setDrafts((all) => all.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const toggle = (d: Draft, day: number) =>
    change(d.key, { days: d.days.includes(day) ? d.days.filter((x) => x !== day) : [...d.days, day] });
  return (
    <fieldset className={error ? 'field invalid' : 'field'} data-testid="dayparts-editor">
      <legend>{t('signage.daypart')}</legend>
      <input ref={hidden} type="hidden" name={FIELD} value={JSON.stringify(drafts)} />
      {drafts.length === 0 && <p className="small muted">{t('signage.anyTime')}</p>}
      {drafts.map((d, i) => {
        const problem = problemOf(d);
        const label = t('signage.daypartWindow', { n: i + 1 });
        return (
          <div
            key={d.key}
            className={problem ? 'daypart invalid' : 'daypart'}
            role="group"
            aria-label={label}
          >
            <div className="row wrap">
              {WEEKDAYS.map((day) => (
                <label key={day} className="check small">
                  <input type="checkbox" checked={d.days.includes(day)} onChange={() => toggle(d, day)} />{' '}
                  {names[day]}
                </label>
              ))}
            </div>
            <div className="row wrap">
              <label>
                {t('signage.from')}{' '}
                <input type="time" value={d.from} onChange={(e) => change(d.key, { from: e.target.value })} />
              </label>
              <label>
                {t('signage.until')}{' '}
                <input
                  type="time"
                  value={d.until}
                  onChange={(e) => change(d.key, { until: e.target.value })}
                />
              </label>
              <button
                type="button"
                className="small ghost"
                onClick={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
                aria-label={t('signage.daypartRemove', { n: i + 1 })}
              >
                ✕
              </button>
            </div>
            {problem && (
              <span className="error small field-error" data-field={`dayparts.${i}`} role="alert">
                {t(problem)}
              </span>
            )}
          </div>
        );
      })}
      <button
        type="button"
        className="small"
        disabled={drafts.length >= MAX_WINDOWS}
        onClick={() => setDrafts((all) => [...all, newDraft()])}
      >
        {t('signage.daypartAdd')}
      </button>
      <span className="muted small">{t('signage.daypartHelp')}</span>
      {error && (
        <span className="error small field-error" data-field="dayparts">
          {error}
        </span>
      )}
    </fieldset>
  );
}
