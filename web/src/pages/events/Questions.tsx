import { useState, type FormEvent } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import {
  ErrorText,
  Field,
  fmtDateTime,
  fmtTime,
  FormActions,
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
  if (!event) return <Page title="Questions">You take part in no event where questions are asked.</Page>;
  const title = (id: string) => sessions.data?.find((s) => s.id === id)?.title ?? 'a session';
  return (
    <Page title={`Questions — ${event.name}`} actions={picker}>
      <ErrorText>{sessions.error || questions.error}</ErrorText>
      <div className="filters">
        <label>
          Session
          <select value={sessionId} onChange={(e) => setSessionId(e.target.value)}>
            <option value="">All sessions</option>
            <Options items={sessions.data} label={(s) => `${fmtTime(s.start_time)} ${s.title}`} />
          </select>
        </label>
        {answering && (
          <label className="check">
            <input type="checkbox" checked={waitingOnly} onChange={(e) => setWaitingOnly(e.target.checked)} />
            {' Waiting for an answer only'}
          </label>
        )}
      </div>
      {asking && (
        <AskForm
          eventId={event.id}
          sessions={sessions.data ?? []}
          sessionId={sessionId}
          onAsked={questions.reload}
        />
      )}
      <section className="card" aria-labelledby="questions-title">
        <h2 id="questions-title">
          {asking ? 'Your questions and the answered ones' : 'Questions to answer'}
        </h2>
        {questions.data?.length === 0 && <p className="muted">No question yet.</p>}
        <ul className="plain questions">
          {questions.data?.map((q) => (
            <li
              key={q.id}
              className={q.is_answered ? 'question answered' : 'question'}
              data-testid="question"
            >
              <p className="q-text">
                <strong>Q:</strong> {q.question_text}
              </p>
              <p className="muted small">
                {title(q.session_id)} · asked {fmtDateTime(q.asked_at)} ·{' '}
                <span className={q.is_answered ? 'badge on' : 'badge'}>
                  {q.is_answered ? 'answered' : asking ? 'yours — waiting' : 'waiting'}
                </span>
              </p>
              {q.is_answered && (
                <p className="a-text">
                  <strong>A:</strong> {q.answer_text}
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
  onAsked,
}: {
  eventId: string;
  sessions: Array<{ id: string; title: string; start_time: string }>;
  sessionId: string;
  onAsked: () => void;
}) {
  const form = useSubmit();
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
      setSent('Question sent');
      onAsked();
    }
  }
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Ask a question" noValidate>
      <h2>Ask a question</h2>
      <Field label="About the session" name="session_id" errors={form.fields}>
        <select key={sessionId} defaultValue={sessionId || sessions[0]?.id}>
          <Options items={sessions} label={(s) => `${fmtTime(s.start_time)} ${s.title}`} />
        </select>
      </Field>
      <Field label="Your question" name="question_text" errors={form.fields}>
        <textarea rows={2} required />
      </Field>
      <FormActions form={form} submit="Ask" status={sent} />
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
        label={question.is_answered ? 'Replace the answer' : 'Answer'}
        name="answer_text"
        errors={form.fields}
      >
        <input
          defaultValue={question.answer_text ?? ''}
          aria-label={`Answer to: ${question.question_text}`}
        />
      </Field>
      <button type="submit" className="small" disabled={form.busy}>
        {question.is_answered ? 'Update answer' : 'Send answer'}
      </button>
      <ErrorText>{form.error}</ErrorText>
    </form>
  );
}
