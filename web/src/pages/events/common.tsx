import { useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { api } from '../../api/client';
import { useSession, type EventRole } from '../../auth';
import { useT, type T } from '../../i18n';
import type { Key } from '../../i18n/en';
import { ErrorText, Options } from '../../ui';

/** The event a page works on: the user's only one, or the one picked in the selector. */
export function useEventChoice(roles?: EventRole[]) {
  const { access } = useSession();
  const t = useT();
  const events = access.events.filter((e) => !roles || roles.includes(e.role));
  const [id, setId] = useState(events[0]?.id ?? '');
  const picker =
    events.length > 1 ? (
      <label className="inline">
        {t('events.event')}{' '}
        <select value={id} onChange={(e) => setId(e.target.value)}>
          <Options items={events} label={(e) => e.name} />
        </select>
      </label>
    ) : null;
  return { event: events.find((e) => e.id === id), picker };
}

/**
 * A badge typed by hand is either the QR payload (`RB2.…`, e.g. from a USB scanner that types) or
 * the printed badge id, which is looked up among the event's badges to get its signed payload.
 */
export async function qrFromInput(t: T, eventId: string, input: string): Promise<string> {
  const value = input.trim();
  if (/^RB[12]\./.test(value)) return value;
  const found = await api.get('/api/events/events/{id}/participants', {
    path: { id: eventId },
    query: { q: value, limit: 5 },
  });
  const badge = found.items.find((p) => p.badge_id.toUpperCase() === value.toUpperCase());
  if (!badge) throw new Error(t('scan.noBadge', { badge: value }));
  return badge.qr_payload;
}

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (opts: { formats: string[] }) => Detector;
  }
}

/** The phone camera through the BarcodeDetector API, where the browser has it. */
export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const t = useT();
  const [on, setOn] = useState(false);
  const [error, setError] = useState('');
  const latest = useRef(onCode);
  latest.current = onCode;
  useEffect(() => {
    if (!on || !window.BarcodeDetector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let last = '';
    let lastAt = 0;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (s) => {
        stream = s;
        if (!video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        const look = async () => {
          if (!video.current) return;
          const codes = await detector.detect(video.current).catch(() => []);
          const code = codes[0]?.rawValue;
          // The same badge held in front of the camera is one scan, not ten.
          if (code && (code !== last || Date.now() - lastAt > 4000)) {
            last = code;
            lastAt = Date.now();
            latest.current(code);
          }
        };
        timer = setInterval(() => void look(), 300);
      })
      .catch((err: Error) => setError(t('scan.cameraUnavailable', { reason: err.message })));
    return () => {
      clearInterval(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [on, t]);
  if (!window.BarcodeDetector) return <p className="muted small">{t('scan.noCamera')}</p>;
  return (
    <div className="camera">
      <button type="button" onClick={() => setOn((o) => !o)} aria-pressed={on}>
        {on ? t('scan.stopCamera') : t('scan.startCamera')}
      </button>
      {on && <video ref={video} muted playsInline aria-label={t('scan.cameraPreview')} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
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

const REASONS: Record<string, Key> = {
  controller_not_assigned: 'reason.controller_not_assigned',
  invalid_badge: 'reason.invalid_badge',
  other_event: 'reason.other_event',
  unknown_badge: 'reason.unknown_badge',
  not_checked_in: 'reason.not_checked_in',
  payment_required: 'reason.payment_required',
  already_in_room: 'reason.already_in_room',
  room_full: 'reason.room_full',
};
/** A scan's refusal reason in words; an unknown one as the API wrote it. */
export const reasonLabel = (t: T, reason: string) => (REASONS[reason] ? t(REASONS[reason]) : reason);
