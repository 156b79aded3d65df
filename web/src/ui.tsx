import { cloneElement, useCallback, useEffect, useId, useState, type ReactElement, type ReactNode } from 'react';
import { ApiError, messageOf } from './api/client';

/** Loads data for a page; `reload()` after a change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => live && (setData(d), setError(''), setLoading(false)),
      (err) => live && (setError(messageOf(err)), setLoading(false)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function ErrorText({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="error">
      {children}
    </p>
  );
}

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <>
      <div className="page-head">
        <h1>{title}</h1>
        {actions}
      </div>
      {children}
    </>
  );
}

export const fmtTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const fmtDateTime = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });

/**
 * A form's submit state: the overall error, and the field errors of a problem+json answer keyed by
 * field name (`errors[].path` such as `body.price` → `price`), shown next to their inputs by `Field`.
 */
export function useSubmit() {
  const [error, setError] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  async function run(fn: () => Promise<unknown>): Promise<boolean> {
    setError('');
    setFields({});
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.errors.length > 0) {
        const byField: Record<string, string> = {};
        for (const e of err.errors) byField[e.path.replace(/^(body|query|params)\./, '')] ??= e.message;
        setFields(byField);
        setError(err.detail || err.title);
      } else setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { error, fields, busy, run, setError };
}

/** A labelled control with the API's error for that field right below it. */
export function Field({ label, name, errors, children, hint }: { label: string; name: string; errors: Record<string, string>; children: ReactElement<Record<string, unknown>>; hint?: string }) {
  const message = errors[name];
  const id = useId();
  // A wrapping <label> would fold a select's option text into its accessible name: use `for`.
  return (
    <div className={message ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, name, 'aria-invalid': message ? true : undefined, 'aria-describedby': message ? `${id}-error` : undefined })}
      {hint && !message && <span className="muted small">{hint}</span>}
      {message && (
        <span id={`${id}-error`} className="error small field-error" data-field={name}>
          {message}
        </span>
      )}
    </div>
  );
}

/** `<input type="datetime-local">` works in local time without zone; the API wants ISO instants. */
export const toLocalInput = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
export const fromLocalInput = (value: FormDataEntryValue | null) => {
  const s = String(value ?? '');
  const d = new Date(s);
  return s && !Number.isNaN(d.getTime()) ? d.toISOString() : s;
};
