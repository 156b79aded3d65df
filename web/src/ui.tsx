import {
  cloneElement,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import { ApiError, problemError, session } from './api/client';
import { fieldMessage, fieldOf, problemMessage } from './i18n/errors';
import { useI18n, useT, viewerZone } from './i18n';
import type { Key } from './i18n/en';

/** Loads data for a page; `reload()` after a change. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | undefined; error: string; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const t = useT();
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => live && (setData(d), setError(''), setLoading(false)),
      (err) => live && (setError(problemMessage(t, err)), setLoading(false)),
    );
    return () => {
      live = false;
    };
    // `load` is a new closure on every render: the caller's `deps` name what it reads instead.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, t]);
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

/** What a page-level action did ("… deleted"), announced politely; nothing when empty. */
export function StatusText({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="status" className="ok">
      {children}
    </p>
  );
}

export function Page({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
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

/** The viewer's clock, for times that belong to no zoned object (a monitoring sample's moment). */
export const fmtTime = (iso: string) =>
  new Date(iso).toLocaleTimeString(document.documentElement.lang || [], {
    hour: '2-digit',
    minute: '2-digit',
  });
export const fmtDateTime = (iso: string) =>
  new Date(iso).toLocaleString(document.documentElement.lang || [], {
    dateStyle: 'short',
    timeStyle: 'short',
  });

/**
 * Times of an object that has its own time zone (an event, its rooms and sessions, an asset): each
 * shown on that zone's clock, and `label` adds the zone's name so nobody reads it as their own.
 */
export function useZone(zone: string | undefined) {
  const { fmt, t } = useI18n();
  const z = zone || viewerZone();
  return {
    zone: z,
    time: (iso: string | number) => fmt.time(iso, z),
    dateTime: (iso: string | number) => fmt.dateTime(iso, z),
    /** `text` followed by the zone: "14:00–15:00 (Europe/Paris)". */
    label: (text: string) => t('zone.label', { text, zone: z }),
    range: (from: string | number, to: string | number) =>
      t('zone.label', { text: `${fmt.dateTime(from, z)} – ${fmt.time(to, z)}`, zone: z }),
  };
}

/** A column head for times on the viewer's own clock: "When (Europe/Paris)". */
export const viewerZoneLabel = (text: string) => `${text} (${viewerZone()})`;

/** Says which zone the page's times are in, and the viewer's own when it differs. */
export function ZoneNote({ zone }: { zone: string | undefined }) {
  const { t, fmt } = useI18n();
  const mine = viewerZone();
  if (!zone) return null;
  return (
    <p className="muted small zone-note" data-testid="zone-note">
      {zone === mine
        ? t('zone.same', { zone })
        : t('zone.differs', {
            zone,
            mine,
            now: fmt.time(Date.now(), zone),
            myNow: fmt.time(Date.now(), mine),
          })}
    </p>
  );
}

/**
 * A form's submit state: the overall error, and the field errors of a problem+json answer keyed by
 * field name (`errors[].path` such as `body.price` → `price`), shown next to their inputs by `Field`.
 */
export function useSubmit() {
  const t = useT();
  const [error, setError] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  /**
   * Runs `fn`; a refusal's field errors go under their fields in words (`explain` may word one
   * better from what the page knows, e.g. which session is in the way), anything else above the
   * buttons. The validator's summary is never repeated at the page level.
   */
  async function run(
    fn: () => Promise<unknown>,
    explain?: (err: ApiError) => Record<string, string> | undefined,
  ): Promise<boolean> {
    setError('');
    setFields({});
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (err) {
      const explained = err instanceof ApiError ? explain?.(err) : undefined;
      if (err instanceof ApiError && (err.errors.length > 0 || explained)) {
        const byField: Record<string, string> = {};
        for (const e of err.errors) byField[fieldOf(e.path)] ??= fieldMessage(t, fieldOf(e.path), e.message);
        setFields({ ...byField, ...explained });
      } else setError(problemMessage(t, err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { error, fields, busy, run, setError };
}

/** A labelled control with the API's error for that field right below it. */
export function Field({
  label,
  name,
  errors,
  children,
  hint,
}: {
  label: string;
  name: string;
  errors: Record<string, string>;
  children: ReactElement<Record<string, unknown>>;
  hint?: string;
}) {
  const message = errors[name];
  const id = useId();
  // A wrapping <label> would fold a select's option text into its accessible name: use `for`.
  return (
    <div className={message ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        name,
        'aria-invalid': message ? true : undefined,
        'aria-describedby': message ? `${id}-error` : undefined,
      })}
      {hint && !message && <span className="muted small">{hint}</span>}
      {message && (
        <span id={`${id}-error`} className="error small field-error" data-field={name}>
          {message}
        </span>
      )}
    </div>
  );
}

/**
 * The end of a form: its overall error, then one row with the submit button (disabled while the
 * form runs), an optional cancel button, any further buttons, and the last success message.
 */
export function FormActions({
  form,
  submit,
  onCancel,
  cancelLabel,
  status,
  children,
}: {
  form: { error: string; busy: boolean; fields?: Record<string, string> };
  submit: ReactNode;
  onCancel?: () => void;
  cancelLabel?: string;
  status?: string;
  children?: ReactNode;
}) {
  const t = useT();
  const row = useRef<HTMLDivElement>(null);
  // A field error whose field this form does not show belongs to no field: it is said here, once.
  const [orphans, setOrphans] = useState<string[]>([]);
  const fields = form.fields;
  useLayoutEffect(() => {
    const el = row.current?.closest('form');
    const missing = Object.entries(fields ?? {})
      .filter(([name]) => !el?.querySelector(`[data-field="${CSS.escape(name)}"]`))
      .map(([, message]) => message);
    setOrphans((prev) => (prev.join('\n') === missing.join('\n') ? prev : missing));
  }, [fields]);
  return (
    <>
      <ErrorText>{[form.error, ...orphans].filter(Boolean).join(' ')}</ErrorText>
      <div className="row" ref={row}>
        <button type="submit" disabled={form.busy}>
          {submit}
        </button>
        {onCancel && (
          <button type="button" className="ghost" onClick={onCancel}>
            {cancelLabel ?? t('common.cancel')}
          </button>
        )}
        {children}
        {status && (
          <span role="status" className="ok">
            {status}
          </span>
        )}
      </div>
    </>
  );
}

/** A scrolling table with a header per column (`''` heads a column of buttons); the rows are the children. */
export function Table({ columns, children }: { columns: string[]; children: ReactNode }) {
  return (
    // Focusable, so that a table wider than the screen can be scrolled from the keyboard.
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i}>{c || null}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** One key figure: what it counts and its value; `bad` or `ok` colours it. */
export interface Figure {
  label: string;
  value: ReactNode;
  tone?: 'bad' | 'ok';
}

/**
 * Key figures side by side (scans, visitors, open alerts…). A plain count may be given as a
 * `[catalogue key, number]` pair: its label is translated and its number formatted for the reader.
 */
export function Figures({
  label,
  items,
  children,
}: {
  label?: string;
  items: ReadonlyArray<Figure | readonly [Key, number]>;
  children?: ReactNode;
}) {
  const { t, fmt } = useI18n();
  const figures = items.map((f): Figure => ('label' in f ? f : { label: t(f[0]), value: fmt.number(f[1]) }));
  return (
    <dl className="figures" aria-label={label}>
      {figures.map((f) => (
        <div key={f.label} className={f.tone}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}

/** One `<option>` per item, valued by its id. */
export function Options<T extends { id: string | number }>({
  items,
  label,
}: {
  items: readonly T[] | undefined;
  label: (item: T) => ReactNode;
}) {
  return (
    <>
      {items?.map((item) => (
        <option key={item.id} value={item.id}>
          {label(item)}
        </option>
      ))}
    </>
  );
}

/**
 * `<input type="datetime-local">` holds a wall-clock time without zone; the API wants ISO instants.
 * The wall clock is the object's own zone (an event's), never silently the browser's.
 */
export { fromZonedInput, toZonedInput } from './i18n';

/** A form field's text: '' when the form has no such field (or it holds a file). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

interface ConfirmRequest {
  title: string;
  message: ReactNode;
  confirmLabel: string;
}

/**
 * A modal confirmation (`<dialog>` opened with `showModal()`, so the rest of the page is inert):
 * Tab and Shift+Tab cycle inside it, Escape or *Cancel* answer false, focus returns to the opener.
 * `await ask({...})` resolves to the user's choice; render `dialog` somewhere in the page.
 */
export function useConfirm() {
  const [request, setRequest] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);
  const ask = useCallback(
    (r: ConfirmRequest) => new Promise<boolean>((resolve) => setRequest({ ...r, resolve })),
    [],
  );
  const dialog = request && (
    <ConfirmDialog
      {...request}
      onClose={(ok) => {
        request.resolve(ok);
        setRequest(null);
      }}
    />
  );
  return { ask, dialog };
}

function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onClose,
}: ConfirmRequest & { onClose: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useT();
  const titleId = useId();
  const messageId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    // The safe choice has the focus, so an accidental Enter does not delete.
    dialog?.querySelector<HTMLButtonElement>('button[data-cancel]')?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  function trapTab(e: KeyboardEvent<HTMLDialogElement>) {
    if (e.key !== 'Tab') return;
    const focusable = [
      ...e.currentTarget.querySelectorAll<HTMLElement>(
        'button:not([disabled]), [href], input, select, textarea',
      ),
    ];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  }
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      onKeyDown={trapTab}
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={messageId}>{message}</div>
      <div className="row">
        <button type="button" className="danger" onClick={() => onClose(true)}>
          {confirmLabel}
        </button>
        <button type="button" className="ghost" data-cancel onClick={() => onClose(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}

/**
 * The API's answer to an action on one row of a list (a `409`/`422` reason, or what was done),
 * kept per item id so it shows next to the item it concerns.
 */
export function useItemResults() {
  const t = useT();
  const [results, setResults] = useState<Record<string, { ok: boolean; text: string }>>({});
  const set = useCallback(
    (id: string, ok: boolean, text: string) => setResults((r) => ({ ...r, [id]: { ok, text } })),
    [],
  );
  const clear = useCallback(
    (id: string) =>
      setResults((r) => {
        const rest = { ...r };
        delete rest[id];
        return rest;
      }),
    [],
  );
  /** Runs `fn` for item `id`; a failure's message is kept next to the item. */
  const run = useCallback(
    async (id: string, fn: () => Promise<unknown>, success?: string) => {
      clear(id);
      try {
        await fn();
        if (success) set(id, true, success);
        return true;
      } catch (err) {
        set(id, false, problemMessage(t, err));
        return false;
      }
    },
    [clear, set, t],
  );
  const show = (id: string) => {
    const r = results[id];
    if (!r) return null;
    return r.ok ? (
      <span role="status" className="ok small" data-testid="item-result">
        {r.text}
      </span>
    ) : (
      <span role="alert" className="error small" data-testid="item-result">
        {r.text}
      </span>
    );
  };
  return { run, show, set };
}

/**
 * Saves what an API route answers (a CSV export) as a file: fetched with the session, so the
 * route's own access check applies; a refusal is thrown as the API's problem, in words.
 */
export async function downloadFile(url: string, filename: string): Promise<void> {
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${session.token ?? ''}`,
      'accept-language': document.documentElement.lang || 'en',
    },
  });
  if (!res.ok) {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    throw problemError(res, body);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = filename;
  link.click();
  // The browser reads the blob after this function returns: free it once the save has begun.
  const href = link.href;
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/**
 * A "Delete {name}" button that asks first (through the page's `useConfirm`) and runs `onDelete`
 * only when the person confirms.
 */
export function ConfirmDelete({
  confirm,
  name,
  title,
  message,
  onDelete,
}: {
  confirm: ReturnType<typeof useConfirm>;
  name: string;
  title: string;
  message: string;
  onDelete: () => void;
}) {
  const t = useT();
  return (
    <button
      type="button"
      className="small ghost"
      onClick={() =>
        void confirm.ask({ title, message, confirmLabel: t('common.delete') }).then((ok) => ok && onDelete())
      }
    >
      {t('common.deleteWhat', { what: name })}
    </button>
  );
}
