import { useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { api } from '../../api/client';
import { useSession, type EventRole } from '../../auth';
import { useT, type T } from '../../i18n';
import { ErrorText, Options } from '../../ui';
import { isQr } from './badgeRead';
import { CameraScanner } from './Camera';

/** The event a page works on: the user's only one, the one the link names, or the one picked in the selector. */
export function useEventChoice(roles?: EventRole[]) {
  const { access } = useSession();
  const t = useT();
  const events = access.events.filter((e) => !roles || roles.includes(e.role));
  // A link may name the event to open (`?event=<id>`), e.g. right after creating it.
  const [id, setId] = useState(
    () => new URLSearchParams(location.search).get('event') ?? events[0]?.id ?? '',
  );
  const picker =
    events.length > 1 ? (
      <label className="inline">
        {t('events.event')}{' '}
        <select value={id} onChange={(e) => setId(e.target.value)}>
          <Options items={events} label={(e) => e.name} />
        </select>
      </label>
    ) : null;
  // A chosen id not yet in the list (an event just created, before access is reloaded) falls back to the first.
  return { event: events.find((e) => e.id === id) ?? events.at(0), picker, choose: setId };
}

/**
 * A badge typed by hand is either the QR payload (`RB2.…`, e.g. from a USB scanner that types) or
 * the printed badge id, which is looked up among the event's badges to get its signed payload.
 */
export async function qrFromInput(t: T, eventId: string, input: string): Promise<string> {
  const value = input.trim();
  if (isQr(value)) return value;
  const found = await api.get('/api/events/events/{id}/participants', {
    path: { id: eventId },
    query: { q: value, limit: 5 },
  });
  const badge = found.items.find((p) => p.badge_id.toUpperCase() === value.toUpperCase());
  if (!badge) throw new Error(t('scan.noBadge', { badge: value }));
  return badge.qr_payload;
}

/**
 * A desk where badges are read: typed or pasted (a USB scanner types too) into the input, or seen by
 * the camera; both go to `onScan`. The last answer (`children`) is announced as soon as it changes.
 */
export function ScanDesk({
  inputId,
  label,
  placeholder,
  submit,
  busy,
  inputRef,
  onScan,
  error,
  children,
}: {
  inputId: string;
  label: string;
  placeholder: string;
  submit: string;
  busy?: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  onScan: (raw: string) => void;
  error: string;
  children: ReactNode;
}) {
  return (
    <>
      <form
        className="scan-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onScan(inputRef.current?.value ?? '');
        }}
      >
        <label htmlFor={inputId}>{label}</label>
        <div className="row">
          <input id={inputId} ref={inputRef} autoFocus autoComplete="off" placeholder={placeholder} />
          <button type="submit" disabled={busy}>
            {submit}
          </button>
        </div>
      </form>
      <CameraScanner onCode={onScan} />
      <ErrorText>{error}</ErrorText>
      <div aria-live="assertive" role="status">
        {children}
      </div>
    </>
  );
}
