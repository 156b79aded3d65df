import { useState, type FormEvent } from 'react';
import { allPages, api, messageOf, type Answer } from '../../api/client';
import { ErrorText, fmtTime, Page, useItemResults, useLoad, formText } from '../../ui';
import { qrFromInput, useEventChoice } from './common';

type Session = Answer<'/api/events/events/{id}/sessions', 'get'>['items'][number];

const STATUS: Record<string, string> = { pas_encore: 'upcoming', en_cours: 'now', termine: 'over' };

export function Timetable() {
  const { event, picker } = useEventChoice();
  const data = useLoad(async () => {
    if (!event) return null;
    const [rooms, sessions] = await Promise.all([
      allPages((cursor) =>
        api.get('/api/events/events/{id}/rooms', { path: { id: event.id }, query: { limit: 200, cursor } }),
      ),
      allPages((cursor) =>
        api.get('/api/events/events/{id}/sessions', {
          path: { id: event.id },
          query: { limit: 200, cursor },
        }),
      ),
    ]);
    return { rooms, sessions };
  }, [event?.id]);
  const results = useItemResults();
  // The API decides which sessions a room manager may change (their room, during their slot): a 403
  // shows next to the session.
  const overriding = event?.role === 'manager' || event?.role === 'gestionnaire_des_salles';
  async function setStatus(s: Session, value: string) {
    const status = value === 'clock' ? null : (value as Session['status']);
    const label = status ? STATUS[status] : 'by the clock';
    if (
      await results.run(
        s.id,
        () =>
          api.patch('/api/events/events/{id}/sessions/{sessionId}', {
            path: { id: event!.id, sessionId: s.id },
            body: { status },
          }),
        `Status set: ${label}`,
      )
    )
      data.reload();
  }
  if (!event) return <Page title="Timetable">You take part in no event.</Page>;
  return (
    <Page title={`Timetable — ${event.name}`} actions={picker}>
      <ErrorText>{data.error}</ErrorText>
      <div className="rooms">
        {data.data?.rooms.map((room) => {
          const sessions = data
            .data!.sessions.filter((s) => s.room_id === room.id)
            .sort((a, b) => a.start_time.localeCompare(b.start_time));
          return (
            <section key={room.id} className="card room" aria-labelledby={`room-${room.id}`}>
              <h2 id={`room-${room.id}`}>{room.name}</h2>
              <p className="muted small">
                {room.location} · {room.current_occupancy}/{room.capacity} inside
              </p>
              {sessions.length === 0 && <p className="muted">No session.</p>}
              <ol className="timeline">
                {sessions.map((s) => (
                  <li key={s.id} className={`slot status-${s.status}`}>
                    <span className="time">
                      {fmtTime(s.start_time)}–{fmtTime(s.end_time)}
                    </span>
                    <strong>{s.title}</strong>
                    <span className="small">
                      {s.speaker_name} · {s.session_type}
                      {s.is_paid && ` · ${s.price} €`} ·{' '}
                      <span className="badge">{STATUS[s.status] ?? s.status}</span>
                      {s.status_is_manual && <span className="muted"> (set by hand)</span>}
                    </span>
                    {overriding && (
                      <span className="row small-form status-override">
                        <span className="small" aria-hidden="true">
                          Status
                        </span>
                        <select
                          aria-label={`Status of ${s.title}`}
                          value={s.status_is_manual ? s.status : 'clock'}
                          onChange={(e) => void setStatus(s, e.target.value)}
                        >
                          <option value="clock">by the clock</option>
                          <option value="pas_encore">upcoming (pas encore)</option>
                          <option value="en_cours">now (en cours)</option>
                          <option value="termine">over (terminé)</option>
                        </select>
                        {results.show(s.id)}
                      </span>
                    )}
                    {s.is_paid && event.role === 'manager' && <MarkPaid eventId={event.id} session={s} />}
                  </li>
                ))}
              </ol>
            </section>
          );
        })}
      </div>
    </Page>
  );
}

/** Event managers record that a badge paid for an atelier (opens the door to it). */
function MarkPaid({ eventId, session }: { eventId: string; session: Session }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const badge = formText(new FormData(e.currentTarget), 'badge');
    setError('');
    setMessage('');
    try {
      const qr = await qrFromInput(eventId, badge);
      const found = await api.get('/api/events/events/{id}/participants', {
        path: { id: eventId },
        query: { q: badge.trim(), limit: 20 },
      });
      const participant = found.items.find((p) => p.qr_payload === qr);
      if (!participant) throw new Error('Unknown badge');
      await api.put('/api/events/events/{id}/sessions/{sessionId}/access', {
        path: { id: eventId, sessionId: session.id },
        body: { participant_id: participant.id, payment_status: 'paid', amount_paid: session.price },
      });
      setMessage(`${participant.full_name} paid`);
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <form className="row small-form" onSubmit={(e) => void submit(e)}>
      <label className="sr-only" htmlFor={`paid-${session.id}`}>
        Badge id that paid for {session.title}
      </label>
      <input id={`paid-${session.id}`} name="badge" placeholder="Badge id that paid" required />
      <button type="submit" className="small">
        Mark paid
      </button>
      {message && (
        <span role="status" className="ok small">
          {message}
        </span>
      )}
      <ErrorText>{error}</ErrorText>
    </form>
  );
}
