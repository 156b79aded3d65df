import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../../api/client';
import { useLiveEvents } from '../../live';
import { ErrorText, fmtDateTime, Page, useLoad, formText } from '../../ui';
import { useEventChoice } from './common';

const TARGETS = ['all', 'participants', 'exposants', 'controlleurs', 'gestionnaires'] as const;

/** The announcements aimed at my role, newest first, refreshed live; managers and gestionnaires publish. */
export function Announcements() {
  const { event, picker } = useEventChoice();
  const [error, setError] = useState('');
  const feed = useLoad(
    () =>
      event
        ? api.get('/api/events/events/{id}/annonces', { path: { id: event.id }, query: { limit: 50 } })
        : Promise.resolve(null),
    [event?.id],
  );
  useLiveEvents('events.annonce.', (m) => m.data.event_id === event?.id && feed.reload());
  const mayPublish = event?.role === 'manager' || event?.role === 'gestionnaire_des_salles';
  async function publish(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!event) return;
    const form = e.currentTarget;
    const f = new FormData(form);
    try {
      await api.post('/api/events/events/{id}/annonces', {
        path: { id: event.id },
        body: {
          title: formText(f, 'title'),
          description: formText(f, 'description'),
          target: formText(f, 'target') as (typeof TARGETS)[number],
        },
      });
      form.reset();
      setError('');
      feed.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  if (!event) return <Page title="Announcements">You take part in no event.</Page>;
  return (
    <Page title="Announcements" actions={picker}>
      {mayPublish && (
        <form className="card form" onSubmit={(e) => void publish(e)} aria-label="Publish an announcement">
          <label>
            Title <input name="title" required maxLength={200} />
          </label>
          <label>
            Message <textarea name="description" required rows={3} />
          </label>
          <label>
            For
            <select name="target">
              {TARGETS.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <ErrorText>{error}</ErrorText>
          <button type="submit">Publish</button>
        </form>
      )}
      <ErrorText>{feed.error}</ErrorText>
      {feed.data?.items.length === 0 && <p className="muted">No announcement yet.</p>}
      <ul className="plain feed">
        {feed.data?.items.map((a) => (
          <li key={a.id} className="card">
            <h2>{a.title}</h2>
            <p className="muted small">
              {fmtDateTime(a.created_at)} · for {a.target}
            </p>
            <p>{a.description}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
