import { useState, type FormEvent } from 'react';
import { allPages, api, problemError, session, type Answer, type Body } from '../../api/client';
import { useSession } from '../../auth';
import { useT } from '../../i18n';
import {
  ErrorText,
  StatusText,
  Field,
  FormActions,
  Options,
  Page,
  Table,
  useConfirm,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { ALERT_TOGGLES, priorityLabel } from './alerts';

type Performer = Answer<'/api/monitoring/performers', 'get'>['items'][number];
type Assignment = Answer<'/api/monitoring/assignments', 'get'>['items'][number];
type Priority = Assignment['priority'];

const PRIORITIES: Priority[] = ['critical', 'high', 'normal', 'low'];

/** Multipart upload with the bearer token; answers the API's problem as an ApiError. */
async function uploadPhoto(performerId: string, file: File): Promise<Performer> {
  const body = new FormData();
  body.append('file', file);
  const res = await fetch(`/api/monitoring/performers/${encodeURIComponent(performerId)}/photo`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token ?? ''}`, accept: 'application/json' },
    body,
  });
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw problemError(res, data);
  return data as Performer;
}

/** Performers (admins create and edit them) and their mic assignments with the four alert toggles. */
export function Performers() {
  const t = useT();
  const { access } = useSession();
  const [q, setQ] = useState('');
  const [inactive, setInactive] = useState(false);
  // A performer's id, 'new' for the creation form, or null when nothing is open.
  const [selected, setSelected] = useState<string | null>(null);
  const [deleted, setDeleted] = useState('');
  const list = useLoad(
    () =>
      allPages((cursor) =>
        access.isOrgAdmin
          ? api.get('/api/monitoring/performers', {
              query: {
                q: q || undefined,
                include_inactive: inactive ? 'true' : undefined,
                limit: 200,
                cursor,
              },
            })
          : api.get('/api/monitoring/me/performers', { query: { limit: 200, cursor } }),
      ),
    [q, inactive, access.isOrgAdmin],
  );
  const performers = (list.data ?? []).filter(
    (p) => access.isOrgAdmin || !q || p.name.toLowerCase().includes(q.toLowerCase()),
  );
  const current = performers.find((p) => p.id === selected);
  return (
    <Page
      title={t('nav.performers')}
      actions={
        access.isOrgAdmin && (
          <button type="button" onClick={() => setSelected('new')}>
            {t('monitoring.performers.new')}
          </button>
        )
      }
    >
      <div className="filters">
        <label>
          {t('monitoring.performers.search')}
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('monitoring.performers.searchHint')}
          />
        </label>
        {access.isOrgAdmin && (
          <label className="check">
            <input type="checkbox" checked={inactive} onChange={(e) => setInactive(e.target.checked)} />{' '}
            {t('monitoring.performers.showDeactivated')}
          </label>
        )}
      </div>
      <ErrorText>{list.error}</ErrorText>
      <StatusText>{deleted}</StatusText>
      <div className="split">
        <ul className="plain performer-list" aria-label={t('monitoring.performers.list')}>
          {performers.map((p) => (
            <li key={p.id} className={p.is_active ? '' : 'inactive'}>
              <button
                type="button"
                className={p.id === selected ? 'pick picked' : 'pick'}
                aria-pressed={p.id === selected}
                onClick={() => setSelected(p.id)}
              >
                {p.photo_url ? (
                  <img
                    className="performer-photo"
                    src={`${p.photo_url}?v=${encodeURIComponent(p.updated_at)}`}
                    alt=""
                  />
                ) : (
                  <span className="performer-photo" aria-hidden="true" />
                )}
                <span>
                  {p.name}
                  <span className="muted small"> {p.title}</span>
                  {!p.is_active && (
                    <span className="badge off">{t('monitoring.performers.deactivated')}</span>
                  )}
                </span>
              </button>
            </li>
          ))}
          {!list.loading && performers.length === 0 && (
            <li className="muted">{t('monitoring.performers.none')}</li>
          )}
        </ul>
        <div className="grow">
          {selected === 'new' && (
            <PerformerForm
              key="new"
              onSaved={(p) => {
                setDeleted('');
                list.reload();
                setSelected(p.id);
              }}
            />
          )}
          {current && (
            <>
              {access.isOrgAdmin && (
                <PerformerForm
                  key={current.id + current.updated_at}
                  performer={current}
                  onSaved={() => list.reload()}
                  onDeleted={(message) => {
                    setDeleted(message);
                    setSelected(null);
                    list.reload();
                  }}
                />
              )}
              <Assignments performer={current} />
            </>
          )}
        </div>
      </div>
    </Page>
  );
}

function PerformerForm({
  performer,
  onSaved,
  onDeleted,
}: {
  performer?: Performer;
  onSaved: (p: Performer) => void;
  onDeleted?: (message: string) => void;
}) {
  const t = useT();
  const form = useSubmit();
  const confirm = useConfirm();
  const photo = useSubmit();
  const [saved, setSaved] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved('');
    const f = new FormData(e.currentTarget);
    const opt = (k: string) => formText(f, k).trim() || null;
    const body: Body<'/api/monitoring/performers', 'post'> = {
      name: formText(f, 'name').trim(),
      title: formText(f, 'title').trim(),
      role_description: formText(f, 'role_description').trim(),
      email: opt('email'),
      phone: opt('phone'),
      notes: formText(f, 'notes').trim(),
    };
    let result: Performer | undefined;
    const ok = await form.run(async () => {
      result = performer
        ? await api.patch('/api/monitoring/performers/{id}', { path: { id: performer.id }, body })
        : await api.post('/api/monitoring/performers', { body });
    });
    if (ok && result) {
      setSaved(
        performer
          ? t('monitoring.performers.saved')
          : t('monitoring.performers.created', { name: result.name }),
      );
      onSaved(result);
    }
  }
  async function sendPhoto(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const file = (e.currentTarget.elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (!performer || !file) return photo.setError(t('monitoring.performers.chooseImage'));
    let result: Performer | undefined;
    if (await photo.run(async () => void (result = await uploadPhoto(performer.id, file)))) onSaved(result!);
  }
  async function setActive(active: boolean) {
    if (!performer) return;
    let result: Performer | undefined;
    const path = { id: performer.id };
    if (
      await form.run(
        async () =>
          void (result = active
            ? await api.post('/api/monitoring/performers/{id}/reactivate', { path })
            : await api.post('/api/monitoring/performers/{id}/deactivate', { path })),
      )
    )
      onSaved(result!);
  }
  /** Hard delete (admins): the confirmation names how many assignments go with the performer. */
  async function remove() {
    if (!performer) return;
    let count = 0;
    if (
      !(await form.run(
        async () =>
          void (count = (
            await allPages((cursor) =>
              api.get('/api/monitoring/assignments', {
                query: { performer_id: performer.id, include_inactive: 'true', limit: 200, cursor },
              }),
            )
          ).length),
      ))
    )
      return;
    const ok = await confirm.ask({
      title: t('monitoring.performers.deleteTitle', { name: performer.name }),
      message: (
        <p>
          {count === 0
            ? t('monitoring.performers.deleteNoAssignment')
            : t('monitoring.performers.deleteAssignments', { count })}{' '}
          {t('monitoring.performers.deleteCannotUndo')} <em>{t('monitoring.performers.deactivate')}</em>{' '}
          {t('monitoring.performers.deleteKeepsAll')}
        </p>
      ),
      confirmLabel: t('monitoring.performers.delete'),
    });
    if (!ok) return;
    let gone = 0;
    if (
      await form.run(
        async () =>
          void ({ deleted_assignments: gone } = await api.del('/api/monitoring/performers/{id}', {
            path: { id: performer.id },
          })),
      )
    )
      onDeleted?.(t('monitoring.performers.deleted', { name: performer.name, count: gone }));
  }
  return (
    <section className="card">
      {confirm.dialog}
      <form
        className="form"
        onSubmit={(e) => void submit(e)}
        aria-label={
          performer
            ? t('monitoring.performers.formOf', { name: performer.name })
            : t('monitoring.performers.new')
        }
        noValidate
      >
        <h2>{performer ? performer.name : t('monitoring.performers.new')}</h2>
        <div className="grid2">
          <Field label={t('common.name')} name="name" errors={form.fields}>
            <input defaultValue={performer?.name} required />
          </Field>
          <Field label={t('common.title')} name="title" errors={form.fields}>
            <input defaultValue={performer?.title} />
          </Field>
          <Field label={t('monitoring.performers.email')} name="email" errors={form.fields}>
            <input type="email" defaultValue={performer?.email ?? ''} />
          </Field>
          <Field label={t('monitoring.performers.phone')} name="phone" errors={form.fields}>
            <input type="tel" defaultValue={performer?.phone ?? ''} />
          </Field>
        </div>
        <Field label={t('common.role')} name="role_description" errors={form.fields}>
          <input defaultValue={performer?.role_description} />
        </Field>
        <Field label={t('monitoring.performers.notes')} name="notes" errors={form.fields}>
          <textarea rows={2} defaultValue={performer?.notes} />
        </Field>
        <FormActions
          form={form}
          submit={performer ? t('monitoring.performers.save') : t('monitoring.performers.create')}
          status={saved}
        >
          {performer &&
            (performer.is_active ? (
              <button type="button" className="ghost" onClick={() => void setActive(false)}>
                {t('monitoring.performers.deactivate')}
              </button>
            ) : (
              <button type="button" className="ghost" onClick={() => void setActive(true)}>
                {t('monitoring.performers.reactivate')}
              </button>
            ))}
          {performer && (
            <button type="button" className="danger-ghost" onClick={() => void remove()}>
              {t('monitoring.performers.delete')}
            </button>
          )}
        </FormActions>
      </form>
      {performer && (
        <form
          className="row wrap photo-form"
          onSubmit={(e) => void sendPhoto(e)}
          aria-label={t('monitoring.performers.photo')}
        >
          {performer.photo_url ? (
            <img
              className="photo-preview"
              src={`${performer.photo_url}?v=${encodeURIComponent(performer.updated_at)}`}
              alt={t('monitoring.performers.photoOf', { name: performer.name })}
            />
          ) : (
            <span className="photo-preview" aria-hidden="true" />
          )}
          <Field label={t('monitoring.performers.photoField')} name="file" errors={photo.fields}>
            <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" />
          </Field>
          <button type="submit" disabled={photo.busy}>
            {t('monitoring.performers.upload')}
          </button>
          <ErrorText>{photo.error}</ErrorText>
        </form>
      )}
    </section>
  );
}

function Assignments({ performer }: { performer: Performer }) {
  const t = useT();
  const { access } = useSession();
  const [error, setError] = useState('');
  const list = useLoad(
    () =>
      allPages((cursor) =>
        api.get('/api/monitoring/assignments', {
          query: { performer_id: performer.id, include_inactive: 'true', limit: 200, cursor },
        }),
      ),
    [performer.id],
  );
  async function change(fn: () => Promise<unknown>) {
    setError('');
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    list.reload();
  }
  return (
    <section className="card" aria-labelledby="assignments-title">
      <h2 id="assignments-title">{t('monitoring.performers.microphonesOf', { name: performer.name })}</h2>
      <ErrorText>{error || list.error}</ErrorText>
      <Table
        columns={[
          t('monitoring.performers.unit'),
          t('monitoring.performers.group'),
          t('monitoring.performers.priority'),
          t('monitoring.performers.alertOn'),
          '',
        ]}
      >
        {list.data?.map((a) => (
          <tr
            key={a.id}
            className={a.is_active ? '' : 'inactive'}
            aria-label={t('monitoring.performers.assignmentRow', {
              unit: a.wireless_unit.name,
              group: a.monitoring_group.name,
            })}
          >
            <td>{a.wireless_unit.name}</td>
            <td>{a.monitoring_group.name}</td>
            <td>
              <select
                aria-label={t('monitoring.performers.priorityOf', { unit: a.wireless_unit.name })}
                value={a.priority}
                onChange={(e) =>
                  void change(() =>
                    api.patch('/api/monitoring/assignments/{id}', {
                      path: { id: a.id },
                      body: { priority: e.target.value as Priority },
                    }),
                  )
                }
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {priorityLabel(t, p)}
                  </option>
                ))}
              </select>
            </td>
            <td>
              <div className="toggles">
                {ALERT_TOGGLES.map(([key, label]) => (
                  <label key={key} className="check small">
                    <input
                      type="checkbox"
                      checked={a[key]}
                      onChange={(e) =>
                        void change(() =>
                          api.patch('/api/monitoring/assignments/{id}', {
                            path: { id: a.id },
                            body: { [key]: e.target.checked },
                          }),
                        )
                      }
                    />{' '}
                    {t(label)}
                  </label>
                ))}
              </div>
            </td>
            <td>
              {a.is_active ? (
                <button
                  type="button"
                  className="small ghost"
                  onClick={() =>
                    void change(() =>
                      api.post('/api/monitoring/assignments/{id}/deactivate', { path: { id: a.id } }),
                    )
                  }
                >
                  {t('monitoring.performers.deactivate')}
                </button>
              ) : (
                <button
                  type="button"
                  className="small ghost"
                  onClick={() =>
                    void change(() =>
                      api.post('/api/monitoring/assignments/{id}/reactivate', { path: { id: a.id } }),
                    )
                  }
                >
                  {t('monitoring.performers.reactivate')}
                </button>
              )}{' '}
              <button
                type="button"
                className="small ghost"
                onClick={() =>
                  confirm(
                    t('monitoring.performers.removeConfirm', {
                      performer: performer.name,
                      unit: a.wireless_unit.name,
                    }),
                  ) && void change(() => api.del('/api/monitoring/assignments/{id}', { path: { id: a.id } }))
                }
              >
                {t('common.delete')}
              </button>
            </td>
          </tr>
        ))}
      </Table>
      {list.data?.length === 0 && <p className="muted">{t('monitoring.performers.noMicrophone')}</p>}
      {access.monitoring && performer.is_active && (
        <NewAssignment performer={performer} onCreated={list.reload} />
      )}
    </section>
  );
}

function NewAssignment({ performer, onCreated }: { performer: Performer; onCreated: () => void }) {
  const t = useT();
  const { access } = useSession();
  const form = useSubmit();
  const choices = useLoad(async () => {
    const [units, groups] = await Promise.all([
      allPages((cursor) => api.get('/api/monitoring/units', { query: { limit: 200, cursor } })),
      allPages((cursor) =>
        access.isOrgAdmin
          ? api.get('/api/monitoring/groups', { query: { limit: 200, cursor } })
          : api.get('/api/monitoring/me/groups', { query: { limit: 200, cursor } }),
      ),
    ]);
    return { units, groups };
  }, [access.isOrgAdmin]);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: Body<'/api/monitoring/assignments', 'post'> = {
      performer_id: performer.id,
      wireless_unit_id: formText(f, 'wireless_unit_id'),
      monitoring_group_id: formText(f, 'monitoring_group_id'),
      priority: formText(f, 'priority') as Priority,
      notes: formText(f, 'notes').trim(),
      alert_on_battery_low: f.get('alert_on_battery_low') === 'on',
      alert_on_signal_loss: f.get('alert_on_signal_loss') === 'on',
      alert_on_audio_low: f.get('alert_on_audio_low') === 'on',
      alert_on_device_offline: f.get('alert_on_device_offline') === 'on',
    };
    if (await form.run(() => api.post('/api/monitoring/assignments', { body }))) onCreated();
  }
  return (
    <form
      className="form subform"
      onSubmit={(e) => void submit(e)}
      aria-label={t('monitoring.performers.assignTitle')}
      noValidate
    >
      <h3>{t('monitoring.performers.assignTitle')}</h3>
      <ErrorText>{choices.error}</ErrorText>
      <div className="grid2">
        <Field label={t('monitoring.performers.wirelessUnit')} name="wireless_unit_id" errors={form.fields}>
          <select>
            <Options items={choices.data?.units} label={(u) => u.name} />
          </select>
        </Field>
        <Field
          label={t('monitoring.performers.monitoringGroup')}
          name="monitoring_group_id"
          errors={form.fields}
        >
          <select>
            <Options items={choices.data?.groups} label={(g) => g.name} />
          </select>
        </Field>
        <Field label={t('monitoring.performers.priority')} name="priority" errors={form.fields}>
          <select defaultValue="normal">
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {priorityLabel(t, p)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('monitoring.performers.assignmentNotes')} name="notes" errors={form.fields}>
          <input />
        </Field>
      </div>
      <fieldset>
        <legend>{t('monitoring.performers.alertMeOn')}</legend>
        {ALERT_TOGGLES.map(([name, label]) => (
          <label key={name} className="check">
            <input type="checkbox" name={name} defaultChecked={name !== 'alert_on_audio_low'} /> {t(label)}
          </label>
        ))}
      </fieldset>
      <FormActions form={form} submit={t('monitoring.performers.assign')} />
    </form>
  );
}
