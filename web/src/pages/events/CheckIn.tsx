import { useRef, useState, type FormEvent } from 'react';
import { api, messageOf, type Answer } from '../../api/client';
import { ErrorText, fmtTime, Page, useLoad } from '../../ui';
import { CameraScanner, qrFromInput, useEventChoice } from './common';

type Result = Answer<'/api/events/events/{id}/check-in', 'post'>;

export function CheckIn() {
  const { event, picker } = useEventChoice(['controlleur_des_badges', 'manager']);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState('');
  const [q, setQ] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const list = useLoad(
    () => (event ? api.get('/api/events/events/{id}/participants', { path: { id: event.id }, query: { q: q || undefined, limit: 50 } }) : Promise.resolve(null)),
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
      <form
        className="scan-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void checkIn(input.current?.value ?? '');
        }}
      >
        <label htmlFor="checkin-badge">Badge QR payload or badge id</label>
        <div className="row">
          <input id="checkin-badge" ref={input} autoFocus autoComplete="off" placeholder="RB1.… or BDG-XXXXX-XXXXX" />
          <button type="submit">Check in</button>
        </div>
      </form>
      <CameraScanner onCode={(c) => void checkIn(c)} />
      <ErrorText>{error}</ErrorText>
      <div aria-live="assertive" role="status">
        {result && (
          <div className={`verdict ${result.status === 'checked_in' ? 'granted' : 'info'}`}>
            <strong>{result.status === 'checked_in' ? 'CHECKED IN' : 'ALREADY IN'}</strong>
            <span>
              {result.participant.full_name} · {result.participant.role} · since {fmtTime(result.checked_in_at)}
            </span>
          </div>
        )}
      </div>
      <h2>Badges</h2>
      <label className="inline">
        Search <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name or badge id" />
      </label>
      <ErrorText>{list.error}</ErrorText>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Badge</th>
              <th>Role</th>
              <th>Checked in</th>
              <th />
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      </div>
    </Page>
  );
}
