import { useRef, useState } from 'react';
import { api, session, type Answer } from '../../api/client';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { Page } from '../../ui';
import { ScanDesk, useEventChoice } from './common';
import { Leads } from './Leads';

type Visit = Answer<'/api/events/events/{id}/exposant-scans', 'post'>;

/** An exhibitor scans visitors' badges at the stand; each visitor counts once a day. */
export function ExhibitorScanner() {
  const { event, picker } = useEventChoice(['exposant']);
  const t = useT();
  const [visit, setVisit] = useState<Visit | null>(null);
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);

  async function scan(raw: string) {
    if (!event || !raw.trim()) return;
    setError('');
    try {
      setVisit(
        await api.post('/api/events/events/{id}/exposant-scans', {
          path: { id: event.id },
          body: { qr: raw.trim() },
        }),
      );
      if (input.current) input.current.value = '';
    } catch (err) {
      setVisit(null);
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
            <strong>{visit.status === 'recorded' ? t('stand.recorded') : t('stand.alreadyToday')}</strong>
            <span>
              {visit.visit.visitor.full_name} · {visit.visit.visitor.badge_id}
            </span>
          </div>
        )}
      </ScanDesk>
      <Leads eventId={event.id} zone={event.timezone} changed={visit} />
    </Page>
  );
}
