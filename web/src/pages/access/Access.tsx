import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { ErrorText, Page, Table, useLoad } from '../../ui';

interface Question {
  user?: number;
  object?: string;
  at?: string;
}

interface Reason {
  rule: string;
  source: string;
  as_of_now?: boolean;
  assignment?: { kind: string; id: string; until: string | null };
}

/** Admins ask "why?": what a person reaches, who reaches an object, or both, now or at an instant. */
export function AccessExplain() {
  const { t, fmt } = useI18n();
  const [user, setUser] = useState('');
  const [object, setObject] = useState('');
  const [at, setAt] = useState('');
  const [question, setQuestion] = useState<Question | null>(null);
  const answer = useLoad(
    () =>
      question
        ? api.get('/api/access/explain', { query: { ...question, limit: 200 } })
        : Promise.resolve(null),
    [question],
  );
  const ask = (e: FormEvent) => {
    e.preventDefault();
    setQuestion({
      user: user ? Number(user) : undefined,
      object: object || undefined,
      at: at ? new Date(at).toISOString() : undefined,
    });
  };
  const reasons = (list: Reason[]) => (
    <ul className="plain small">
      {list.map((r, i) => (
        <li key={i}>
          <code>{r.rule}</code> — {r.source}
          {r.assignment &&
            ` (${r.assignment.kind} ${r.assignment.id}, ${
              r.assignment.until
                ? t('access.until', { when: fmt.dateTime(r.assignment.until) })
                : t('access.open')
            })`}
          {r.as_of_now && question?.at && ` — ${t('access.asOfNow')}`}
        </li>
      ))}
    </ul>
  );
  const data = answer.data;
  return (
    <Page title={t('nav.access')}>
      <form className="filters" onSubmit={ask}>
        <label>
          {t('access.user')}{' '}
          <input inputMode="numeric" value={user} onChange={(e) => setUser(e.target.value)} />
        </label>
        <label>
          {t('access.object')}{' '}
          <input
            value={object}
            onChange={(e) => setObject(e.target.value)}
            placeholder={t('access.objectHint')}
          />
        </label>
        <label>
          {t('access.at')}{' '}
          <input type="datetime-local" step="1" value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
        <button type="submit">{t('access.ask')}</button>
      </form>
      <ErrorText>{answer.error}</ErrorText>
      {data && data.allowed !== undefined && (
        <section aria-label={t('access.answer')}>
          <p>
            <strong>{data.allowed ? t('access.allowed') : t('access.refused')}</strong>{' '}
            {data.object && `${data.object.kind} ${data.object.label}`}
          </p>
          {reasons(data.reasons ?? [])}
          {data.refused_by && (
            <>
              <p>
                {t('access.refusedBy')} <code>{data.refused_by.rule}</code>
              </p>
              <p>{t('access.wouldGrant')}</p>
              {reasons(data.would_grant ?? [])}
            </>
          )}
        </section>
      )}
      {data?.reaches && (
        <Table columns={[t('access.kind'), t('common.name'), t('access.why')]}>
          {data.reaches.map((r) => (
            <tr key={`${r.kind}:${r.id}`}>
              <td>{r.kind}</td>
              <td>{r.label}</td>
              <td>{reasons(r.reasons)}</td>
            </tr>
          ))}
        </Table>
      )}
      {data?.people && (
        <Table columns={[t('access.user'), t('common.role'), t('access.why')]}>
          {data.people.map((p) => (
            <tr key={p.user_id}>
              <td>
                {p.username} <code className="small">{p.user_id}</code>
              </td>
              <td>{p.org_role}</td>
              <td>{reasons(p.reasons)}</td>
            </tr>
          ))}
        </Table>
      )}
    </Page>
  );
}
