import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type Catalogue, type Key, type Plural } from './en';
import { fr } from './fr';

export type Lang = 'en' | 'fr';
export const LANGS: Record<Lang, Catalogue> = { en, fr };
/** Each language's own name, shown in the switch whatever the current language. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', fr: 'Français' };

const STORAGE_KEY = 'roster.lang';
export type Params = Record<string, string | number>;

/** The remembered choice first, then the browser's preferred languages; English otherwise. */
export function initialLang(): Lang {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  const wanted = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of wanted) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'fr') return base;
  }
  return 'en';
}

function fill(text: string, params: Params | undefined, locale: string): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? new Intl.NumberFormat(locale).format(v) : v;
  });
}

/**
 * The text of `key` in `lang`, with `{name}` placeholders filled (numbers formatted for the
 * locale); a plural entry picks its form from `params.count` through `Intl.PluralRules`.
 */
export function translate(lang: Lang, key: Key, params?: Params): string {
  const entry: string | Plural = LANGS[lang][key];
  if (typeof entry === 'string') return fill(entry, params, lang);
  const count = Number(params?.count ?? 0);
  const form = new Intl.PluralRules(lang).select(count);
  return fill((form === 'one' ? entry.one : entry.other) ?? entry.other, params, lang);
}

export type T = (key: Key, params?: Params) => string;

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: T;
  fmt: Formatters;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    // No per-user preference is stored by the API: the choice is remembered by this browser.
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18nValue>(() => {
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
    return { lang, setLang, t: (key, params) => translate(lang, key, params), fmt: formatters(lang) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** The translate function of the current language. */
export function useT(): T {
  return useI18n().t;
}

/** The viewer's own time zone, as the browser reports it. */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export interface Formatters {
  /** "14:00" in `zone` (the viewer's when omitted). */
  time(iso: string | number, zone?: string): string;
  /** A short date and time in `zone`. */
  dateTime(iso: string | number, zone?: string): string;
  /** A short date in `zone`. */
  date(iso: string | number, zone?: string): string;
  number(n: number, opts?: Intl.NumberFormatOptions): string;
  /** A byte count in B/kB/MB/GB for the locale. */
  bytes(n: number): string;
}

function formatters(lang: Lang): Formatters {
  const dt = (opts: Intl.DateTimeFormatOptions) => (iso: string | number, zone?: string) =>
    new Intl.DateTimeFormat(lang, { ...opts, ...(zone ? { timeZone: zone } : {}) }).format(new Date(iso));
  return {
    time: dt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    dateTime: dt({ dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' }),
    date: dt({ dateStyle: 'medium' }),
    number: (n, opts) => new Intl.NumberFormat(lang, opts).format(n),
    bytes: (n) => {
      const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
      let i = 0;
      let v = n;
      while (v >= 1000 && i < units.length - 1) {
        v /= 1000;
        i += 1;
      }
      return new Intl.NumberFormat(lang, {
        style: 'unit',
        unit: units[i],
        unitDisplay: 'short',
        maximumFractionDigits: v < 10 && i > 0 ? 1 : 0,
      }).format(v);
    },
  };
}

/** The wall-clock parts of an instant in a zone. */
function partsIn(ms: number, zone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    y: get('year'),
    mo: get('month'),
    d: get('day'),
    h: get('hour'),
    mi: get('minute'),
    s: get('second'),
  };
}

/** How far `zone`'s wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, zone: string): number {
  const p = partsIn(ms, zone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the `YYYY-MM-DDTHH:mm` a `datetime-local` input holds, on `zone`'s wall clock. */
export function toZonedInput(iso: string | null | undefined, zone: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const p = partsIn(ms, zone);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}

/**
 * A `datetime-local` value read on `zone`'s wall clock, as an ISO instant; text that is not a
 * date is sent as typed so the API names the field.
 */
export function fromZonedInput(value: FormDataEntryValue | null, zone: string): string {
  const s = typeof value === 'string' ? value : '';
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(s);
  if (!m) return s;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // The offset depends on the instant itself: a second pass settles it around a DST change.
  let ms = wall - offsetAt(wall, zone);
  ms = wall - offsetAt(ms, zone);
  return new Date(ms).toISOString();
}

/** A zone name that `Intl` knows, or undefined. */
export function knownZone(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
