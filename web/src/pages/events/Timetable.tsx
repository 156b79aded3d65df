import { useState, type FormEvent } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import { useI18n, useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { sessionStatusLabel, sessionTypeLabel } from '../../i18n/labels';
import { ErrorText, Page, useItemResults, useLoad, useZone, ZoneNote, formText } from '../../ui';
import { qrFromInput, useEventChoice } from './common';

type Session = Answer<'/api/events/events/{id}/sessions', 'get'>['items'][number];

export function Timetable() {
  const { event, picker } = useEventChoice();
  const { t, fmt } = useI18n();
  const z = useZone(event?.timezone);
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
    const label = status ? sessionStatusLabel(t, status) : t('timetable.byClock');
    if (
      await results.run(
        s.id,
        () =>
          api.patch('/api/events/events/{id}/sessions/{sessionId}', {
            path: { id: event!.id, sessionId: s.id },
            body: { status },
          }),
        t('timetable.statusSet', { label }),
      )
    )
      data.reload();
  }
  if (!event) return <Page title={t('nav.timetable')}>{t('events.none')}</Page>;
  return (
    <Page title={t('timetable.titleOf', { name: event.name })} actions={picker}>
      <ZoneNote zone={z.zone} />
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
                {room.location} ·{' '}
                {t('timetable.inside', {
                  count: room.current_occupancy,
                  capacity: room.capacity,
                })}
              </p>
              {sessions.length === 0 && <p className="muted">{t('timetable.noSession')}</p>}
              <ol className="timeline">
                {sessions.map((s) => (
                  <li key={s.id} className={`slot status-${s.status}`}>
                    <span className="time">{z.label(`${z.time(s.start_time)}–${z.time(s.end_time)}`)}</span>
                    <strong>{s.title}</strong>
                    <span className="small">
                      {s.speaker_name} · {sessionTypeLabel(t, s.session_type)}
                      {s.is_paid &&
                        ` · ${fmt.number(Number(s.price), { style: 'currency', currency: 'EUR' })}`}{' '}
                      · <span className="badge">{sessionStatusLabel(t, s.status)}</span>
                      {s.status_is_manual && <span className="muted"> {t('timetable.byHand')}</span>}
                    </span>
                    {overriding && (
                      <span className="row small-form status-override">
                        <span className="small" aria-hidden="true">
                          {t('common.status')}
                        </span>
                        <select
                          aria-label={t('timetable.statusOf', { title: s.title })}
                          value={s.status_is_manual ? s.status : 'clock'}
                          onChange={(e) => void setStatus(s, e.target.value)}
                        >
                          <option value="clock">{t('timetable.byClock')}</option>
                          {(['pas_encore', 'en_cours', 'termine'] as const).map((v) => (
                            <option key={v} value={v}>
                              {t(`timetable.forced.${v}`)}
                            </option>
                          ))}
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
  const t = useT();
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const badge = formText(new FormData(e.currentTarget), 'badge');
    setError('');
    setMessage('');
    try {
      const qr = await qrFromInput(t, eventId, badge);
      const found = await api.get('/api/events/events/{id}/participants', {
        path: { id: eventId },
        query: { q: badge.trim(), limit: 20 },
      });
      const participant = found.items.find((p) => p.qr_payload === qr);
      if (!participant) throw new Error(t('reason.unknown_badge'));
      await api.put('/api/events/events/{id}/sessions/{sessionId}/access', {
        path: { id: eventId, sessionId: session.id },
        body: { participant_id: participant.id, payment_status: 'paid', amount_paid: session.price },
      });
      setMessage(t('timetable.paid', { name: participant.full_name }));
    } catch (err) {
      setError(problemMessage(t, err));
    }
  }
  return (
    <form className="row small-form" onSubmit={(e) => void submit(e)}>
      <label className="sr-only" htmlFor={`paid-${session.id}`}>
        {t('timetable.paidFor', { title: session.title })}
      </label>
      <input id={`paid-${session.id}`} name="badge" placeholder={t('timetable.paidBadge')} required />
      <button type="submit" className="small">
        {t('timetable.markPaid')}
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
