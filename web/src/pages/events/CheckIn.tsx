import { useRef, useState } from 'react';
import { api, type Answer } from '../../api/client';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { eventRoleLabel } from '../../i18n/labels';
import { ErrorText, Page, Table, useLoad, useZone } from '../../ui';
import { qrFromInput, ScanDesk, useEventChoice } from './common';

type Result = Answer<'/api/events/events/{id}/check-in', 'post'>;

export function CheckIn() {
  const { event, picker } = useEventChoice(['controlleur_des_badges', 'manager']);
  const t = useT();
  const z = useZone(event?.timezone);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState('');
  const [q, setQ] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const list = useLoad(
    () =>
      event
        ? api.get('/api/events/events/{id}/participants', {
            path: { id: event.id },
            query: { q: q || undefined, limit: 50 },
          })
        : Promise.resolve(null),
    [event?.id, q, result],
  );

  async function checkIn(raw: string) {
    if (!event || !raw.trim()) return;
    setError('');
    try {
      const qr = await qrFromInput(t, event.id, raw);
      setResult(await api.post('/api/events/events/{id}/check-in', { path: { id: event.id }, body: { qr } }));
      if (input.current) input.current.value = '';
    } catch (err) {
      setResult(null);
      setError(problemMessage(t, err));
    }
    input.current?.focus();
  }
  if (!event) return <Page title={t('nav.checkIn')}>{t('checkin.none')}</Page>;
  return (
    <Page title={t('nav.checkIn')} actions={picker}>
      <p className="muted">{t('checkin.entrance', { name: event.name })}</p>
      <ScanDesk
        inputId="checkin-badge"
        label={t('scan.label')}
        placeholder={t('scan.placeholder')}
        submit={t('checkin.checkIn')}
        inputRef={input}
        onScan={(raw) => void checkIn(raw)}
        error={error}
      >
        {result && (
          <div className={`verdict ${result.status === 'checked_in' ? 'granted' : 'info'}`}>
            <strong>
              {result.status === 'checked_in' ? t('checkin.checkedIn') : t('checkin.alreadyIn')}
            </strong>
            <span>
              {result.participant.full_name} · {eventRoleLabel(t, result.participant.role)} ·{' '}
              {t('checkin.since', { when: z.label(z.time(result.checked_in_at)) })}
            </span>
          </div>
        )}
      </ScanDesk>
      <h2>{t('nav.badges')}</h2>
      <label className="inline">
        {t('common.search')}{' '}
        <input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('checkin.searchHint')}
        />
      </label>
      <ErrorText>{list.error}</ErrorText>
      <Table
        columns={[
          t('common.name'),
          t('checkin.badge'),
          t('common.role'),
          t('checkin.checkedInAt', { zone: z.zone }),
          '',
        ]}
      >
        {list.data?.items.map((p) => (
          <tr key={p.id}>
            <td>{p.full_name}</td>
            <td>
              <code>{p.badge_id}</code>
            </td>
            <td>{eventRoleLabel(t, p.role)}</td>
            <td>{p.checked_in_at ? z.time(p.checked_in_at) : '—'}</td>
            <td>
              {!p.is_checked_in && (
                <button type="button" className="small" onClick={() => void checkIn(p.qr_payload)}>
                  {t('checkin.checkIn')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </Table>
    </Page>
  );
}
