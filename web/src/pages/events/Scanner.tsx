import { useRef, useState } from 'react';
import { api, type Answer } from '../../api/client';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { eventRoleLabel } from '../../i18n/labels';
import { Page, useLoad } from '../../ui';
import { qrFromInput, reasonLabel, ScanDesk, useEventChoice } from './common';

type Decision = Answer<'/api/events/events/{id}/scans', 'post'>;

export function Scanner() {
  const { event, picker } = useEventChoice(['controlleur_des_badges']);
  const t = useT();
  const [decision, setDecision] = useState<Decision | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const room = useLoad(
    () =>
      event ? api.get('/api/events/events/{id}/my-room', { path: { id: event.id } }) : Promise.resolve(null),
    [event?.id],
  );
  const stats = useLoad(
    () =>
      event
        ? api.get('/api/events/events/{id}/stats/scans', { path: { id: event.id } })
        : Promise.resolve(null),
    [event?.id, decision],
  );

  async function scan(raw: string) {
    if (!event || !raw.trim()) return;
    setBusy(true);
    setError('');
    try {
      const qr = await qrFromInput(t, event.id, raw);
      setDecision(await api.post('/api/events/events/{id}/scans', { path: { id: event.id }, body: { qr } }));
      if (input.current) input.current.value = '';
    } catch (err) {
      setDecision(null);
      setError(problemMessage(t, err));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }
  if (!event) return <Page title={t('nav.scanner')}>{t('scanner.none')}</Page>;
  const granted = decision?.status === 'granted';
  return (
    <Page title={t('nav.scanner')} actions={picker}>
      <p className="muted">
        {event.name} ·{' '}
        {room.data?.room
          ? t('scanner.door', { room: room.data.room.name })
          : t('reason.controller_not_assigned')}
        {stats.data && ` · ${t('scanner.stats', { granted: stats.data.granted, denied: stats.data.denied })}`}
      </p>
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
        {decision && (
          <div className={`verdict ${granted ? 'granted' : 'denied'}`} data-testid="verdict">
            <strong>{granted ? t('scanner.granted') : t('scanner.denied')}</strong>
            <span>{decision.reason ? reasonLabel(t, decision.reason) : t('scanner.welcome')}</span>
            {decision.participant && (
              <span className="who-line">
                {decision.participant.full_name} · {decision.participant.badge_id} ·{' '}
                {eventRoleLabel(t, decision.participant.role)}
              </span>
            )}
            {decision.room && (
              <span className="who-line">
                {decision.room.name}: {decision.room.current_occupancy}/{decision.room.capacity}
                {decision.session && ` · ${decision.session.title}`}
              </span>
            )}
          </div>
        )}
      </ScanDesk>
    </Page>
  );
}
