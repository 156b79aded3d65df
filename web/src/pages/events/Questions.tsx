import { useState, type FormEvent } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import { useT } from '../../i18n';
import {
  ErrorText,
  Field,
  FormActions,
  useZone,
  Options,
  Page,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { useLiveEvents } from '../../live';
import { useEventChoice } from './common';

type Question = Answer<'/api/events/events/{id}/questions', 'get'>['items'][number];

/**
 * Session Q&A. Badge holders ask and see their own questions plus every answered one; room
 * managers (for the sessions of the room they hold now) and event managers answer.
 */
export function Questions() {
  const { event, picker } = useEventChoice(['participant', 'exposant', 'gestionnaire_des_salles', 'manager']);
  const [sessionId, setSessionId] = useState('');
  const t = useT();
  const z = useZone(event?.timezone);
  const [waitingOnly, setWaitingOnly] = useState(false);
  const answering = event?.role === 'gestionnaire_des_salles' || event?.role === 'manager';
  const asking = event?.role === 'participant' || event?.role === 'exposant';
  const sessions = useLoad(
    async () =>
      event
        ? (
            await allPages((cursor) =>
              api.get('/api/events/events/{id}/sessions', {
                path: { id: event.id },
                query: { limit: 200, cursor },
              }),
            )
          ).sort((a, b) => a.start_time.localeCompare(b.start_time))
        : [],
    [event?.id],
  );
  const questions = useLoad(
    async () =>
      event
        ? allPages((cursor) =>
            api.get('/api/events/events/{id}/questions', {
              path: { id: event.id },
              query: {
                session_id: sessionId || undefined,
                answered: waitingOnly ? 'false' : undefined,
                limit: 200,
                cursor,
              },
            }),
          )
        : [],
    [event?.id, sessionId, waitingOnly],
  );
  // Asked/answered elsewhere: refetch the list it changes. Without these events the page still works,
  // it just waits for a reload.
  useLiveEvents('events.question.', (m) => {
    if (m.type !== 'events.question.asked' && m.type !== 'events.question.answered') return;
    if (m.data.event_id !== event?.id || (sessionId && m.data.session_id !== sessionId)) return;
    questions.reload();
  });
  if (!event) return <Page title={t('nav.questions')}>{t('questions.noEvent')}</Page>;
  const title = (id: string) => sessions.data?.find((s) => s.id === id)?.title ?? t('questions.aSession');
  const sessionLabel = (s: { start_time: string; title: string }) =>
    `${z.label(z.time(s.start_time))} ${s.title}`;
  return (
    <Page title={t('questions.titleOf', { name: event.name })} actions={picker}>
      <ErrorText>{sessions.error || questions.error}</ErrorText>
      <div className="filters">
        <label>
          {t('questions.session')}
          <select value={sessionId} onChange={(e) => setSessionId(e.target.value)}>
            <option value="">{t('questions.allSessions')}</option>
            <Options items={sessions.data} label={sessionLabel} />
          </select>
        </label>
        {answering && (
          <label className="check">
            <input type="checkbox" checked={waitingOnly} onChange={(e) => setWaitingOnly(e.target.checked)} />
            {` ${t('questions.waitingOnly')}`}
          </label>
        )}
      </div>
      {asking && (
        <AskForm
          eventId={event.id}
          sessions={sessions.data ?? []}
          sessionId={sessionId}
          sessionLabel={sessionLabel}
          onAsked={questions.reload}
        />
      )}
      <section className="card" aria-labelledby="questions-title">
        <h2 id="questions-title">{asking ? t('questions.yoursAndAnswered') : t('questions.toAnswer')}</h2>
        {questions.data?.length === 0 && <p className="muted">{t('questions.none')}</p>}
        <ul className="plain questions">
          {questions.data?.map((q) => (
            <li
              key={q.id}
              className={q.is_answered ? 'question answered' : 'question'}
              data-testid="question"
            >
              <p className="q-text">
                <strong>{t('questions.q')}</strong> {q.question_text}
              </p>
              <p className="muted small">
                {title(q.session_id)} · {t('questions.asked', { when: z.label(z.dateTime(q.asked_at)) })} ·{' '}
                <span className={q.is_answered ? 'badge on' : 'badge'}>
                  {q.is_answered
                    ? t('questions.answered')
                    : asking
                      ? t('questions.yoursWaiting')
                      : t('questions.waiting')}
                </span>
              </p>
              {q.is_answered && (
                <p className="a-text">
                  <strong>{t('questions.a')}</strong> {q.answer_text}
                </p>
              )}
              {answering && <AnswerForm eventId={event.id} question={q} onAnswered={questions.reload} />}
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}

function AskForm({
  eventId,
  sessions,
  sessionId,
  sessionLabel,
  onAsked,
}: {
  eventId: string;
  sessions: Array<{ id: string; title: string; start_time: string }>;
  sessionId: string;
  sessionLabel: (s: { start_time: string; title: string }) => string;
  onAsked: () => void;
}) {
  const form = useSubmit();
  const t = useT();
  const [sent, setSent] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSent('');
    const el = e.currentTarget;
    const f = new FormData(el);
    const ok = await form.run(() =>
      api.post('/api/events/events/{id}/questions', {
        path: { id: eventId },
        body: {
          session_id: formText(f, 'session_id'),
          question_text: formText(f, 'question_text').trim(),
        },
      }),
    );
    if (ok) {
      el.reset();
      setSent(t('questions.sent'));
      onAsked();
    }
  }
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label={t('questions.ask')} noValidate>
      <h2>{t('questions.ask')}</h2>
      <Field label={t('questions.about')} name="session_id" errors={form.fields}>
        <select key={sessionId} defaultValue={sessionId || sessions[0]?.id}>
          <Options items={sessions} label={sessionLabel} />
        </select>
      </Field>
      <Field label={t('questions.yours')} name="question_text" errors={form.fields}>
        <textarea rows={2} required />
      </Field>
      <FormActions form={form} submit={t('questions.askButton')} status={sent} />
    </form>
  );
}

function AnswerForm({
  eventId,
  question,
  onAnswered,
}: {
  eventId: string;
  question: Question;
  onAnswered: () => void;
}) {
  const form = useSubmit();
  const t = useT();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const answer = formText(new FormData(e.currentTarget), 'answer_text').trim();
    if (
      await form.run(() =>
        api.put('/api/events/events/{id}/questions/{questionId}/answer', {
          path: { id: eventId, questionId: question.id },
          body: { answer_text: answer },
        }),
      )
    )
      onAnswered();
  }
  return (
    <form className="row small-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field
        label={question.is_answered ? t('questions.replace') : t('questions.answer')}
        name="answer_text"
        errors={form.fields}
      >
        <input
          defaultValue={question.answer_text ?? ''}
          aria-label={t('questions.answerTo', { text: question.question_text })}
        />
      </Field>
      <button type="submit" className="small" disabled={form.busy}>
        {question.is_answered ? t('questions.update') : t('questions.send')}
      </button>
      <ErrorText>{form.error}</ErrorText>
    </form>
  );
}
