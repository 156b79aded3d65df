import { useRef, useState } from 'react';
import { api, messageOf, type Answer } from '../../api/client';
import { Page, useLoad } from '../../ui';
import { qrFromInput, REASONS, ScanDesk, useEventChoice } from './common';

type Decision = Answer<'/api/events/events/{id}/scans', 'post'>;

export function Scanner() {
  const { event, picker } = useEventChoice(['controlleur_des_badges']);
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
      const qr = await qrFromInput(event.id, raw);
      setDecision(await api.post('/api/events/events/{id}/scans', { path: { id: event.id }, body: { qr } }));
      if (input.current) input.current.value = '';
    } catch (err) {
      setDecision(null);
      setError(messageOf(err));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }
  if (!event) return <Page title="Scanner">You are not a badge controller in any event.</Page>;
  const granted = decision?.status === 'granted';
  return (
    <Page title="Scanner" actions={picker}>
      <p className="muted">
        {event.name} · {room.data?.room ? `Door of ${room.data.room.name}` : 'You hold no room right now'}
        {stats.data && ` · ${stats.data.granted} granted, ${stats.data.denied} denied`}
      </p>
      <ScanDesk
        inputId="badge"
        label="Badge QR payload or badge id"
        placeholder="RB1.… or BDG-XXXXX-XXXXX"
        submit="Scan"
        busy={busy}
        inputRef={input}
        onScan={(raw) => void scan(raw)}
        error={error}
      >
        {decision && (
          <div className={`verdict ${granted ? 'granted' : 'denied'}`} data-testid="verdict">
            <strong>{granted ? 'GRANTED' : 'DENIED'}</strong>
            <span>{decision.reason ? (REASONS[decision.reason] ?? decision.reason) : 'Welcome'}</span>
            {decision.participant && (
              <span className="who-line">
                {decision.participant.full_name} · {decision.participant.badge_id} ·{' '}
                {decision.participant.role}
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
