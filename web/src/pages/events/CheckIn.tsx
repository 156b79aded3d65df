import { useRef, useState } from 'react';
import { api, messageOf, type Answer } from '../../api/client';
import { ErrorText, fmtTime, Page, Table, useLoad } from '../../ui';
import { qrFromInput, ScanDesk, useEventChoice } from './common';

type Result = Answer<'/api/events/events/{id}/check-in', 'post'>;

export function CheckIn() {
  const { event, picker } = useEventChoice(['controlleur_des_badges', 'manager']);
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
      const qr = await qrFromInput(event.id, raw);
      setResult(await api.post('/api/events/events/{id}/check-in', { path: { id: event.id }, body: { qr } }));
      if (input.current) input.current.value = '';
    } catch (err) {
      setResult(null);
      setError(messageOf(err));
    }
    input.current?.focus();
  }
  if (!event) return <Page title="Check-in desk">You staff no event.</Page>;
  return (
    <Page title="Check-in desk" actions={picker}>
      <p className="muted">{event.name} · entrance</p>
      <ScanDesk
        inputId="checkin-badge"
        label="Badge QR payload or badge id"
        placeholder="RB1.… or BDG-XXXXX-XXXXX"
        submit="Check in"
        inputRef={input}
        onScan={(raw) => void checkIn(raw)}
        error={error}
      >
        {result && (
          <div className={`verdict ${result.status === 'checked_in' ? 'granted' : 'info'}`}>
            <strong>{result.status === 'checked_in' ? 'CHECKED IN' : 'ALREADY IN'}</strong>
            <span>
              {result.participant.full_name} · {result.participant.role} · since{' '}
              {fmtTime(result.checked_in_at)}
            </span>
          </div>
        )}
      </ScanDesk>
      <h2>Badges</h2>
      <label className="inline">
        Search{' '}
        <input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="name or badge id"
        />
      </label>
      <ErrorText>{list.error}</ErrorText>
      <Table columns={['Name', 'Badge', 'Role', 'Checked in', '']}>
        {list.data?.items.map((p) => (
          <tr key={p.id}>
            <td>{p.full_name}</td>
            <td>
              <code>{p.badge_id}</code>
            </td>
            <td>{p.role}</td>
            <td>{p.checked_in_at ? fmtTime(p.checked_in_at) : '—'}</td>
            <td>
              {!p.is_checked_in && (
                <button type="button" className="small" onClick={() => void checkIn(p.qr_payload)}>
                  Check in
                </button>
              )}
            </td>
          </tr>
        ))}
      </Table>
    </Page>
  );
}
