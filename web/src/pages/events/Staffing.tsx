import { useState, type FormEvent, type SelectHTMLAttributes } from 'react';
import { allPages, api, ApiError, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useT } from '../../i18n';
import { eventRoleLabel } from '../../i18n/labels';
import { problemMessage } from '../../i18n/errors';
import { Link } from '../../router';
import {
  ErrorText,
  Field,
  FormActions,
  Page,
  StatusText,
  Table,
  formText,
  useConfirm,
  useItemResults,
  useLoad,
  useSubmit,
} from '../../ui';
import { useEventChoice } from './common';

type Member = Answer<'/api/events/events/{id}/member-candidates', 'get'>['items'][number];
type Role = NonNullable<Member['assignment']>['role'];
type Preview = Extract<Answer<'/api/events/events/{id}/participants/import', 'post'>, { dry_run: true }>;
type Badge = Answer<'/api/events/events/{id}/participants', 'get'>['items'][number];

const ROLES: Role[] = ['gestionnaire_des_salles', 'controlleur_des_badges', 'participant', 'exposant'];
const badgeUrl = (eventId: string, participantId: string) =>
  `/api/events/events/${eventId}/participants/${participantId}/badge`;

/** The event roles to choose from; `Field` gives it its id and error description. */
function RoleSelect({
  value,
  onChange,
  ...rest
}: { value: Role; onChange: (r: Role) => void } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange'>) {
  const t = useT();
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {eventRoleLabel(t, r)}
        </option>
      ))}
    </select>
  );
}

/**
 * Event managers staff their event: who holds which role, giving roles to members (picked by
 * search) or by email/username, registering participants one by one or from a CSV file, and the
 * badges they get.
 */
export function Staffing() {
  const { event, picker } = useEventChoice(['manager']);
  const t = useT();
  const [changed, setChanged] = useState(0);
  if (!event) return <Page title={t('nav.staffing')}>{t('events.manageNone')}</Page>;
  const bump = () => setChanged((n) => n + 1);
  return (
    <Page title={t('staffing.titleOf', { name: event.name })} actions={picker}>
      <p className="muted">
        {t('staffing.intro')} <Link href="/events/slots">{t('staffing.slotsLink')}</Link> ·{' '}
        <Link href="/events/badges">{t('staffing.badgesLink')}</Link>
      </p>
      <RoleHolders key={`${event.id}-${changed}`} eventId={event.id} onChange={bump} />
      <div className="grid2">
        <GiveRole eventId={event.id} onDone={bump} />
        <InviteByLogin eventId={event.id} onDone={bump} />
      </div>
      <RegisterOne eventId={event.id} onDone={bump} />
      <ImportCsv eventId={event.id} onDone={bump} />
    </Page>
  );
}

/** Everyone holding a role in the event, each removable after a confirmation. */
function RoleHolders({ eventId, onChange }: { eventId: string; onChange: () => void }) {
  const t = useT();
  const confirm = useConfirm();
  const results = useItemResults();
  const holders = useLoad(
    () =>
      allPages((cursor) =>
        api.get('/api/events/events/{id}/member-candidates', {
          path: { id: eventId },
          query: { assigned: 'true', limit: 200, cursor },
        }),
      ),
    [eventId],
  );
  async function remove(m: Member) {
    if (!m.assignment) return;
    const ok = await confirm.ask({
      title: t('staffing.removeTitle', { name: m.full_name || m.username }),
      message: <p>{t('staffing.removeText', { role: eventRoleLabel(t, m.assignment.role) })}</p>,
      confirmLabel: t('staffing.remove'),
    });
    const id = m.assignment.id;
    if (
      ok &&
      (await results.run(String(m.user_id), () =>
        api.del('/api/events/events/{id}/assignments/{assignmentId}', {
          path: { id: eventId, assignmentId: id },
        }),
      ))
    )
      onChange();
  }
  const list = holders.data ?? [];
  return (
    <section className="card" aria-labelledby="holders-title">
      {confirm.dialog}
      <h2 id="holders-title">{t('staffing.holders')}</h2>
      <ErrorText>{holders.error}</ErrorText>
      <Table columns={[t('common.name'), t('staffing.username'), t('common.role'), '']}>
        {list.map((m) => (
          <tr key={m.user_id} aria-label={m.full_name || m.username}>
            <td>{m.full_name || m.username}</td>
            <td>
              <code>{m.username}</code>
            </td>
            <td>{m.assignment && eventRoleLabel(t, m.assignment.role)}</td>
            <td>
              <div className="item-actions">
                <button
                  type="button"
                  className="small danger-ghost"
                  onClick={() => void remove(m)}
                  aria-label={t('staffing.removeWho', { name: m.full_name || m.username })}
                >
                  {t('staffing.remove')}
                </button>
                {results.show(String(m.user_id))}
              </div>
            </td>
          </tr>
        ))}
      </Table>
      {!holders.loading && list.length === 0 && <p className="muted">{t('staffing.noHolders')}</p>}
    </section>
  );
}

/** A member picker: type part of a name, username or email, pick one of the matches, give a role. */
function GiveRole({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const t = useT();
  const form = useSubmit();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Member | null>(null);
  const [role, setRole] = useState<Role>('participant');
  const [status, setStatus] = useState('');
  const matches = useLoad(
    () =>
      q.trim()
        ? api.get('/api/events/events/{id}/member-candidates', {
            path: { id: eventId },
            query: { q: q.trim(), limit: 8 },
          })
        : Promise.resolve(null),
    [eventId, q],
  );
  async function submit(e: FormEvent) {
    e.preventDefault();
    setStatus('');
    if (!picked) return form.setError(t('staffing.pickFirst'));
    const ok = await form.run(() =>
      api.post('/api/events/events/{id}/assignments', {
        path: { id: eventId },
        body: { user_id: picked.user_id, role },
      }),
    );
    if (ok) {
      setStatus(
        t('staffing.given', { name: picked.full_name || picked.username, role: eventRoleLabel(t, role) }),
      );
      setPicked(null);
      setQ('');
      onDone();
    }
  }
  return (
    <form
      className="card form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('staffing.giveRole')}
      noValidate
    >
      <h2>{t('staffing.giveRole')}</h2>
      <label>
        {t('staffing.findMember')}
        <input
          type="search"
          value={q}
          onChange={(e) => (setQ(e.target.value), setPicked(null))}
          placeholder={t('staffing.findHint')}
        />
      </label>
      <ErrorText>{matches.error}</ErrorText>
      {matches.data && (
        <fieldset className="plain">
          <legend className="muted small">
            {t('staffing.matches', { count: matches.data.items.length })}
          </legend>
          {matches.data.items.map((m) => (
            <label key={m.user_id} className="check">
              <input
                type="radio"
                name="member"
                checked={picked?.user_id === m.user_id}
                onChange={() => setPicked(m)}
              />{' '}
              {m.full_name || m.username} <span className="muted small">{m.email ?? m.username}</span>
              {m.assignment && <span className="muted small"> · {eventRoleLabel(t, m.assignment.role)}</span>}
            </label>
          ))}
        </fieldset>
      )}
      <Field label={t('common.role')} name="role" errors={form.fields}>
        <RoleSelect value={role} onChange={setRole} />
      </Field>
      <FormActions form={form} submit={t('staffing.give')} status={status} />
    </form>
  );
}

/** By email or username: a member gets the role now; someone else is invited to the organization. */
function InviteByLogin({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const t = useT();
  const form = useSubmit();
  const [role, setRole] = useState<Role>('participant');
  const [status, setStatus] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus('');
    const el = e.currentTarget;
    const login = formText(new FormData(el), 'login').trim();
    let answer: Answer<'/api/events/events/{id}/invitations', 'post'> | undefined;
    const ok = await form.run(async () => {
      answer = await api.post('/api/events/events/{id}/invitations', {
        path: { id: eventId },
        body: { login, role },
      });
    });
    if (!ok || !answer) return;
    setStatus(
      answer.status === 'assigned'
        ? t('staffing.invitedMember', { login, role: eventRoleLabel(t, role) })
        : t('staffing.invitedToOrg', { login, role: eventRoleLabel(t, role) }),
    );
    el.reset();
    onDone();
  }
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label={t('staffing.invite')} noValidate>
      <h2>{t('staffing.invite')}</h2>
      <Field label={t('staffing.login')} name="login" errors={form.fields} hint={t('staffing.loginHint')}>
        <input autoComplete="off" required />
      </Field>
      <Field label={t('common.role')} name="role" errors={form.fields}>
        <RoleSelect value={role} onChange={setRole} />
      </Field>
      <FormActions form={form} submit={t('staffing.inviteSubmit')} status={status} />
    </form>
  );
}

/** One person registered by hand (with or without a login): their badge, to print at once. */
function RegisterOne({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const t = useT();
  const form = useSubmit();
  const [badge, setBadge] = useState<Badge | null>(null);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBadge(null);
    const el = e.currentTarget;
    const f = new FormData(el);
    const email = formText(f, 'email').trim();
    let issued: Badge | undefined;
    const ok = await form.run(async () => {
      issued = await api.post('/api/events/events/{id}/participants', {
        path: { id: eventId },
        body: {
          full_name: formText(f, 'full_name').trim(),
          email: email || null,
          role: formText(f, 'role') as Badge['role'],
        },
      });
    });
    if (ok && issued) {
      setBadge(issued);
      el.reset();
      onDone();
    }
  }
  return (
    <form
      className="card form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('staffing.register')}
      noValidate
    >
      <h2>{t('staffing.register')}</h2>
      <div className="grid2">
        <Field label={t('staffing.fullName')} name="full_name" errors={form.fields}>
          <input required />
        </Field>
        <Field label={t('staffing.email')} name="email" errors={form.fields}>
          <input type="email" />
        </Field>
        <Field label={t('common.role')} name="role" errors={form.fields}>
          <select defaultValue="participant">
            <option value="participant">{eventRoleLabel(t, 'participant')}</option>
            <option value="exposant">{eventRoleLabel(t, 'exposant')}</option>
          </select>
        </Field>
      </div>
      <FormActions form={form} submit={t('staffing.registerSubmit')}>
        {badge && (
          <span role="status" className="ok">
            {t('staffing.badgeIssued', { name: badge.full_name, badge: badge.badge_id })}{' '}
            <a href={badgeUrl(eventId, badge.id)} target="_blank" rel="noopener">
              {t('badges.print')}
            </a>
          </span>
        )}
      </FormActions>
    </form>
  );
}

/**
 * A registration file: read in the browser, previewed by the API (every row checked, nothing
 * written), then imported all or nothing once the preview shows no error.
 */
function ImportCsv({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const t = useT();
  const { refresh } = useSession();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  async function run(dryRun: boolean) {
    setError('');
    setDone('');
    setBusy(true);
    try {
      const answer = await api.post('/api/events/events/{id}/participants/import', {
        path: { id: eventId },
        query: dryRun ? { dry_run: 'true' } : {},
        body: { csv },
      });
      if (answer.dry_run) setPreview(answer);
      else {
        setPreview(null);
        setCsv('');
        setFileName('');
        setDone(t('staffing.imported', { count: answer.imported }));
        onDone();
        await refresh();
      }
    } catch (err) {
      // A refused import names its rows: show them as the preview would.
      if (err instanceof ApiError && err.errors.some((e) => e.path.startsWith('body.csv.'))) setPreview(null);
      setError(problemMessage(t, err));
    } finally {
      setBusy(false);
    }
  }
  async function pick(file: File | undefined) {
    setPreview(null);
    setDone('');
    setFileName(file?.name ?? '');
    setCsv(file ? await file.text() : '');
  }
  const rowsInError = preview ? new Set(preview.errors.map((e) => e.line)).size : 0;
  return (
    <section className="card form" aria-labelledby="import-title">
      <h2 id="import-title">{t('staffing.import')}</h2>
      <p className="muted small">{t('staffing.importColumns')}</p>
      <div className="row wrap">
        <label>
          {t('staffing.csvFile')}{' '}
          <input type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        <button type="button" onClick={() => void run(true)} disabled={!csv || busy}>
          {t('staffing.preview')}
        </button>
        <button
          type="button"
          onClick={() => void run(false)}
          disabled={!preview || preview.errors.length > 0 || busy}
        >
          {t('staffing.importN', { count: preview?.valid ?? 0 })}
        </button>
        {fileName && <span className="muted small">{fileName}</span>}
      </div>
      <ErrorText>{error}</ErrorText>
      <StatusText>{done}</StatusText>
      {preview && (
        <>
          <p role="status">
            {rowsInError > 0
              ? t('staffing.previewErrors', { count: rowsInError, total: preview.total })
              : t('staffing.previewOk', { count: preview.valid })}
          </p>
          {preview.errors.length > 0 && (
            <Table columns={[t('staffing.line'), t('staffing.column'), t('staffing.problem')]}>
              {preview.errors.map((e, i) => (
                <tr key={i} className="row-error">
                  <td>{e.line}</td>
                  <td>{e.column ?? '—'}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </Table>
          )}
          <Table
            columns={[
              t('staffing.line'),
              t('staffing.fullName'),
              t('staffing.email'),
              t('common.role'),
              t('staffing.username'),
            ]}
          >
            {preview.rows.map((r) => (
              <tr key={r.line}>
                <td>{r.line}</td>
                <td>{r.full_name}</td>
                <td>{r.email ?? ''}</td>
                <td>{eventRoleLabel(t, r.role)}</td>
                <td>{r.username ?? ''}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}
