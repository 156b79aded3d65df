import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useSession } from '../../auth';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { eventRoleLabel } from '../../i18n/labels';
import { Page, useLoad } from '../../ui';
import { badgeRead } from './badgeRead';
import { qrFromInput, ScanDesk, useEventChoice } from './common';
import {
  applyMove,
  decideOffline,
  doorQueueKey,
  saveKit,
  storedKit,
  type Kit,
  type QueuedScan,
} from './doorOffline';
import { QueueStatus } from './QueueStatus';
import { reasonLabel } from './reasons';
import { unreachable, useOfflineQueue } from './useOfflineQueue';

/** What the door shows after a scan, decided by the server or, offline, by the page. */
interface Verdict {
  granted: boolean;
  /** Offline, a typed badge id the kit does not list: kept for the server to decide. */
  undecided?: boolean;
  reason: string | null;
  offline: boolean;
  who: { full_name: string; badge_id: string; role: 'participant' | 'exposant' } | null;
  room: { name: string; current_occupancy: number; capacity: number } | null;
  session: string | null;
}

/** The kit is fetched again this often while online, so it is fresh when the network goes. */
const KIT_REFRESH_MS = 120_000;
/** The server takes this many door scans in one upload. */
const DOOR_UPLOAD_PART = 5000;

/** One part of the door's queue to the server; its answer for each scan, by nonce. */
const sendDoorScans = (eventId: string) => async (part: QueuedScan[]) =>
  (await api.post('/api/events/events/{id}/scans/upload', { path: { id: eventId }, body: { scans: part } }))
    .results;

export function Scanner() {
  const { event, picker } = useEventChoice(['controlleur_des_badges']);
  const { me } = useSession();
  const t = useT();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [kit, setKit] = useState<Kit | null>(null);
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const input = useRef<HTMLInputElement>(null);
  const userId = me.user?.id ?? 0;
  const eventId = event?.id;
  const send = useMemo(() => (eventId ? sendDoorScans(eventId) : null), [eventId]);
  const queue = useOfflineQueue<QueuedScan, { nonce: string }>(
    eventId ? doorQueueKey(userId, eventId) : null,
    DOOR_UPLOAD_PART,
    send,
  );
  const { online, setOnline } = queue;
  const room = useLoad(
    () =>
      eventId ? api.get('/api/events/events/{id}/my-room', { path: { id: eventId } }) : Promise.resolve(null),
    [eventId],
  );
  const stats = useLoad(
    () =>
      eventId && online
        ? api.get('/api/events/events/{id}/stats/scans', { path: { id: eventId } })
        : Promise.resolve(null),
    [eventId, verdict, online],
  );

  useEffect(() => {
    if (!eventId) return;
    setKit(storedKit(userId, eventId));
  }, [userId, eventId]);
  const keepKit = useCallback(
    (next: Kit) => {
      if (!eventId) return;
      saveKit(userId, eventId, next);
      setKit(next);
    },
    [userId, eventId],
  );
  // The kit, fetched while online: at once, then regularly.
  useEffect(() => {
    if (!eventId || !online) return;
    let live = true;
    const fetchKit = () =>
      api.get('/api/events/events/{id}/scanner-kit', { path: { id: eventId } }).then(
        (k) => live && keepKit(k),
        (err: unknown) => {
          if (live && unreachable(err)) setOnline(false);
        },
      );
    void fetchKit();
    const timer = setInterval(() => void fetchKit(), KIT_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [eventId, online, keepKit, setOnline]);

  async function scanOffline(raw: string, now: number) {
    if (!eventId) return;
    if (!kit) throw new Error(t('scanner.noKit'));
    const typed = raw.trim();
    const d = await decideOffline(kit, typed, direction, now);
    queue.add({
      nonce: crypto.randomUUID(),
      ...badgeRead(typed),
      direction,
      room_id: kit.room.id,
      scanned_at: new Date(now).toISOString(),
      status: d.status,
      reason: d.reason,
    });
    const next =
      d.status === 'granted' && d.reason === null && d.badge ? applyMove(kit, d.badge.id, direction) : kit;
    if (next !== kit) keepKit(next);
    setVerdict({
      granted: d.status === 'granted',
      undecided: d.status === 'undecided',
      reason: d.reason ?? null,
      offline: true,
      who: d.badge,
      room: next.room,
      session: null,
    });
  }

  async function scanOnline(raw: string) {
    if (!eventId) return;
    const qr = await qrFromInput(t, eventId, raw);
    const decision = await api.post('/api/events/events/{id}/scans', {
      path: { id: eventId },
      body: { qr, direction, nonce: crypto.randomUUID() },
    });
    if (kit && decision.participant && decision.room?.id === kit.room.id && decision.scan.reason === null)
      keepKit(
        applyMove(kit, decision.participant.id, decision.scan.direction, decision.room.current_occupancy),
      );
    setVerdict({
      granted: decision.status === 'granted',
      reason: decision.reason,
      offline: false,
      who: decision.participant,
      room: decision.room,
      session: decision.session?.title ?? null,
    });
  }

  async function scan(raw: string) {
    if (!eventId || !raw.trim()) return;
    setBusy(true);
    setError('');
    const now = Date.now();
    try {
      if (online) {
        try {
          await scanOnline(raw);
        } catch (err) {
          if (err instanceof ApiError || !unreachable(err)) throw err;
          setOnline(false);
          await scanOffline(raw, now);
        }
      } else await scanOffline(raw, now);
      if (input.current) input.current.value = '';
    } catch (err) {
      setVerdict(null);
      setError(problemMessage(t, err));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }
  if (!event) return <Page title={t('nav.scanner')}>{t('scanner.none')}</Page>;
  const roomName = room.data?.room?.name ?? kit?.room.name;
  const doorMode = kit?.room.door_mode ?? room.data?.room?.door_mode ?? 'both';
  return (
    <Page title={t('nav.scanner')} actions={picker}>
      <p className="muted">
        {event.name} ·{' '}
        {roomName ? t('scanner.door', { room: roomName }) : t('reason.controller_not_assigned')}
        {online &&
          stats.data &&
          ` · ${t('scanner.stats', { granted: stats.data.granted, denied: stats.data.denied })}`}
      </p>
      <QueueStatus
        online={online}
        waiting={queue.items.length}
        offlineText={t('scanner.offline')}
        onUpload={queue.uploadNow}
      >
        <span className="muted small">
          {kit
            ? t('scanner.kitAt', { time: new Date(kit.generated_at).toLocaleTimeString() })
            : t('scanner.noKit')}
        </span>
      </QueueStatus>
      {queue.uploadError && (
        <p role="alert" className="error">
          {queue.uploadError}
        </p>
      )}
      {doorMode === 'both' && (
        <fieldset className="row inline">
          <legend>{t('scanner.direction')}</legend>
          {(['in', 'out'] as const).map((d) => (
            <label key={d} className="inline">
              <input
                type="radio"
                name="direction"
                checked={direction === d}
                onChange={() => setDirection(d)}
              />{' '}
              {d === 'in' ? t('scanner.in') : t('scanner.out')}
            </label>
          ))}
        </fieldset>
      )}
      <ScanDesk
        inputId="badge"
        label={t('scan.label')}
        placeholder={t('scan.placeholder')}
        submit={t('scanner.scan')}
        busy={busy}
        inputRef={input}
        onScan={(raw) => void scan(raw)}
        error={error}
      >
        {verdict && (
          <div
            className={`verdict ${verdict.undecided ? 'info' : verdict.granted ? 'granted' : 'denied'}`}
            data-testid="verdict"
          >
            <strong>
              {verdict.undecided
                ? t('scanner.undecided')
                : verdict.granted
                  ? t('scanner.granted')
                  : t('scanner.denied')}
            </strong>
            <span>
              {verdict.undecided
                ? t('scanner.undecidedWhy')
                : verdict.reason
                  ? reasonLabel(t, verdict.reason)
                  : t('scanner.welcome')}
            </span>
            {verdict.who && (
              <span className="who-line">
                {verdict.who.full_name} · {verdict.who.badge_id} · {eventRoleLabel(t, verdict.who.role)}
              </span>
            )}
            {verdict.room && (
              <span className="who-line">
                {verdict.room.name}: {verdict.room.current_occupancy}/{verdict.room.capacity}
                {verdict.session && ` · ${verdict.session}`}
              </span>
            )}
            {verdict.offline && <span className="who-line">{t('scanner.decidedOffline')}</span>}
          </div>
        )}
      </ScanDesk>
    </Page>
  );
}
