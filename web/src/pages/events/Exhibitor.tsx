import { useCallback, useMemo, useRef, useState } from 'react';
import { api, ApiError, session, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useT, type T } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { Page } from '../../ui';
import { ScanDesk, useEventChoice } from './common';
import { Leads } from './Leads';
import type { Outcome } from './offlineQueue';
import { QueueStatus } from './QueueStatus';
import {
  sendStandScans,
  STAND_UPLOAD_PART,
  standQueueKey,
  standScan,
  type StandScan,
  type UploadedScan,
} from './standOffline';
import { unreachable, useOfflineQueue } from './useOfflineQueue';

type Visit = Answer<'/api/events/events/{id}/exposant-scans', 'post'>;
/** What the desk shows after a scan: the server's answer, or that the scan waits in the queue. */
type Verdict = { visit: Visit } | { queued: StandScan };

const uploadedLabel = (t: T, o: Outcome<StandScan, UploadedScan>) => {
  const status = o.answer?.status ?? 'refused';
  const word =
    status === 'recorded'
      ? t('stand.recorded')
      : status === 'already_visited_today'
        ? t('stand.alreadyToday')
        : status === 'already_recorded'
          ? t('stand.alreadyRecorded')
          : t('stand.refused');
  const why = o.refused ?? o.answer?.error?.message;
  return why ? `${word}: ${why}` : word;
};

/** An exhibitor scans visitors' badges at the stand; each visitor counts once a day. */
export function ExhibitorScanner() {
  const { event, picker } = useEventChoice(['exposant']);
  const { me } = useSession();
  const t = useT();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [uploaded, setUploaded] = useState<Outcome<StandScan, UploadedScan>[]>([]);
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const eventId = event?.id;
  const send = useMemo(() => (eventId ? sendStandScans(eventId) : null), [eventId]);
  const onUploaded = useCallback((o: Outcome<StandScan, UploadedScan>[]) => setUploaded(o), []);
  const queue = useOfflineQueue(
    eventId ? standQueueKey(me.user?.id ?? 0, eventId) : null,
    STAND_UPLOAD_PART,
    send,
    onUploaded,
  );

  async function scan(raw: string) {
    if (!eventId || !raw.trim()) return;
    setError('');
    const item = standScan(raw, Date.now());
    const keep = () => {
      queue.add(item);
      setVerdict({ queued: item });
    };
    try {
      if (!queue.online) keep();
      else
        try {
          const visit = await api.post('/api/events/events/{id}/exposant-scans', {
            path: { id: eventId },
            body: item,
          });
          setVerdict({ visit });
        } catch (err) {
          if (err instanceof ApiError || !unreachable(err)) throw err;
          // Sent with no answer: queued with the same nonce, so it counts once if it got through.
          queue.setOnline(false);
          keep();
        }
      if (input.current) input.current.value = '';
    } catch (err) {
      setVerdict(null);
      setError(problemMessage(t, err));
    }
    input.current?.focus();
  }
  async function exportCsv() {
    if (!event) return;
    const res = await fetch(`/api/events/events/${event.id}/exposant-scans/export.csv`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    if (!res.ok) return setError(t('stand.exportFailed', { status: res.status }));
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = 'visitors.csv';
    a.click();
  }
  const visit = verdict && 'visit' in verdict ? verdict.visit : null;
  // The figures and the list follow the desk: a scan recorded now, or an upload.
  const leadsChanged = useMemo(() => ({ visit, uploaded }), [visit, uploaded]);
  if (!event) return <Page title={t('nav.stand')}>{t('stand.none')}</Page>;
  return (
    <Page
      title={t('nav.stand')}
      actions={
        <>
          {picker}
          <button type="button" className="ghost" onClick={() => void exportCsv()}>
            {t('stand.export')}
          </button>
        </>
      }
    >
      <p className="muted">{t('stand.intro', { name: event.name })}</p>
      <QueueStatus
        online={queue.online}
        waiting={queue.items.length}
        offlineText={t('stand.offline')}
        onUpload={queue.uploadNow}
      />
      {queue.uploadError && (
        <p role="alert" className="error">
          {queue.uploadError}
        </p>
      )}
      <ScanDesk
        inputId="visitor"
        label={t('stand.label')}
        placeholder={t('stand.placeholder')}
        submit={t('stand.record')}
        inputRef={input}
        onScan={(raw) => void scan(raw)}
        error={error}
      >
        {visit && (
          <div className={`verdict ${visit.status === 'recorded' ? 'granted' : 'info'}`}>
            <strong>
              {visit.status === 'recorded'
                ? t('stand.recorded')
                : visit.status === 'already_recorded'
                  ? t('stand.alreadyRecorded')
                  : t('stand.alreadyToday')}
            </strong>
            <span>
              {visit.visit.visitor.full_name} · {visit.visit.visitor.badge_id}
            </span>
          </div>
        )}
        {verdict && 'queued' in verdict && (
          <div className="verdict info">
            <strong>{t('stand.queued')}</strong>
            <span>{t('stand.queuedWhy')}</span>
          </div>
        )}
      </ScanDesk>
      {uploaded.length > 0 && (
        <section aria-labelledby="uploaded-title">
          <h2 id="uploaded-title">{t('stand.uploaded')}</h2>
          <ul>
            {uploaded.map((o) => (
              <li key={o.item.nonce}>
                {new Date(o.item.scanned_at ?? '').toLocaleTimeString()}
                {'badge_id' in o.item && o.item.badge_id ? ` · ${o.item.badge_id}` : ''} ·{' '}
                {uploadedLabel(t, o)}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Leads eventId={event.id} zone={event.timezone} changed={leadsChanged} />
    </Page>
  );
}
