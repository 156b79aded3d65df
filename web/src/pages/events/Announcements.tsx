import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useT } from '../../i18n';
import { AUDIENCES, audienceLabel } from '../../i18n/labels';
import { useLiveEvents } from '../../live';
import { Field, FormActions, Page, ErrorText, useLoad, useSubmit, useZone, formText } from '../../ui';
import { useEventChoice } from './common';

/** The announcements aimed at my role, newest first, refreshed live; managers and gestionnaires publish. */
export function Announcements() {
  const { event, picker } = useEventChoice();
  const t = useT();
  const z = useZone(event?.timezone);
  const form = useSubmit();
  const [sent, setSent] = useState('');
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
    setSent('');
    const ok = await submitForm.run(() =>
      api.post('/api/events/events/{id}/annonces', {
        path: { id: event.id },
        body: {
          title: formText(f, 'title').trim(),
          description: formText(f, 'description').trim(),
          target: formText(f, 'target') as (typeof AUDIENCES)[number],
        },
      }),
    );
    if (ok) {
      form.reset();
      setSent(t('announce.published'));
      feed.reload();
    }
  }
  const submitForm = form;
  if (!event) return <Page title={t('nav.announcements')}>{t('events.none')}</Page>;
  return (
    <Page title={t('nav.announcements')} actions={picker}>
      {mayPublish && (
        <form
          className="card form"
          onSubmit={(e) => void publish(e)}
          aria-label={t('announce.publishForm')}
          noValidate
        >
          <Field label={t('common.title')} name="title" errors={form.fields}>
            <input required maxLength={200} />
          </Field>
          <Field label={t('announce.message')} name="description" errors={form.fields}>
            <textarea required rows={3} />
          </Field>
          <Field label={t('announce.for')} name="target" errors={form.fields}>
            <select>
              {AUDIENCES.map((a) => (
                <option key={a} value={a}>
                  {audienceLabel(t, a)}
                </option>
              ))}
            </select>
          </Field>
          <FormActions form={form} submit={t('announce.publish')} status={sent} />
        </form>
      )}
      <ErrorText>{feed.error}</ErrorText>
      {feed.data?.items.length === 0 && <p className="muted">{t('announce.none')}</p>}
      <ul className="plain feed">
        {feed.data?.items.map((a) => (
          <li key={a.id} className="card">
            <h2>{a.title}</h2>
            <p className="muted small">
              {z.label(z.dateTime(a.created_at))} ·{' '}
              {t('announce.forWhom', { audience: audienceLabel(t, a.target) })}
            </p>
            <p>{a.description}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
