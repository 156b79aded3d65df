import { useMemo, useState, type FormEvent } from 'react';
import { allPages, api, messageOf, type Answer } from '../../api/client';
import {
  ErrorText,
  StatusText,
  Field,
  FormActions,
  Page,
  Table,
  useConfirm,
  useItemResults,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { useT, type T } from '../../i18n';

type Group = Answer<'/api/monitoring/groups', 'get'>['items'][number];
type User = Answer<'/api/auth/users', 'get'>['items'][number];

const userName = (t: T, u: User | undefined, id: number) =>
  u ? u.full_name || u.username : t('monitoring.groups.userNumber', { id: String(id) });

/**
 * Org admins: monitoring groups (who sees which mics), created, renamed, staffed, (de)activated and
 * deleted.
 */
export function Groups() {
  const t = useT();
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const [deleted, setDeleted] = useState('');
  const results = useItemResults();
  const confirm = useConfirm();
  const data = useLoad(async () => {
    const [groups, users] = await Promise.all([
      allPages((cursor) =>
        api.get('/api/monitoring/groups', { query: { include_inactive: 'true', limit: 200, cursor } }),
      ),
      allPages((cursor) => api.get('/api/auth/users', { query: { limit: 200, cursor } })),
    ]);
    return { groups: groups.sort((a, b) => a.name.localeCompare(b.name)), users };
  }, []);
  const users = useMemo(() => new Map((data.data?.users ?? []).map((u) => [u.id, u])), [data.data]);
  async function setActive(g: Group, active: boolean) {
    const ok = await results.run(
      g.id,
      () => api.patch('/api/monitoring/groups/{id}', { path: { id: g.id }, body: { is_active: active } }),
      active ? t('monitoring.groups.reactivated') : t('monitoring.groups.deactivated'),
    );
    if (ok) data.reload();
  }
  async function remove(g: Group) {
    // The dialog says what goes with the group: its assignments (deleted), not its members' accounts.
    const assignments = await api
      .get('/api/monitoring/groups/{id}/assignments', { path: { id: g.id }, query: { limit: 200 } })
      .catch((err: unknown) => {
        results.set(g.id, false, messageOf(err));
        return null;
      });
    if (!assignments) return;
    const n = assignments.items.length;
    const count = assignments.next_cursor
      ? t('monitoring.groups.moreAssignments', { count: n })
      : t('monitoring.groups.assignmentCount', { count: n });
    const ok = await confirm.ask({
      title: t('monitoring.groups.deleteTitle', { name: g.name }),
      message: (
        <p>
          {n === 0
            ? t('monitoring.groups.noAssignment')
            : t('monitoring.groups.assignmentsGo', { what: count })}{' '}
          {t('monitoring.groups.deactivatingKeeps')}
        </p>
      ),
      confirmLabel: t('monitoring.groups.deleteGroup'),
    });
    if (
      ok &&
      (await results.run(g.id, () => api.del('/api/monitoring/groups/{id}', { path: { id: g.id } })))
    ) {
      setDeleted(
        n
          ? t('monitoring.groups.deletedWith', { name: g.name, what: count.toLowerCase() })
          : t('monitoring.groups.deleted', { name: g.name }),
      );
      data.reload();
    }
  }
  return (
    <Page
      title={t('nav.groups')}
      actions={
        <button type="button" onClick={() => setEditing('new')}>
          {t('monitoring.groups.new')}
        </button>
      }
    >
      <p className="muted">{t('monitoring.groups.intro')}</p>
      <ErrorText>{data.error}</ErrorText>
      {confirm.dialog}
      <StatusText>{deleted}</StatusText>
      {editing && (
        <GroupForm
          key={editing === 'new' ? 'new' : editing.id}
          group={editing === 'new' ? undefined : editing}
          users={data.data?.users ?? []}
          onDone={(changed) => {
            setEditing(null);
            if (changed) data.reload();
          }}
        />
      )}
      <section className="card" aria-labelledby="groups-title">
        <h2 id="groups-title">{t('monitoring.groups.list')}</h2>
        <Table columns={[t('common.name'), t('monitoring.groups.members'), t('common.status'), '']}>
          {data.data?.groups.map((g) => (
            <tr
              key={g.id}
              className={g.is_active ? '' : 'inactive'}
              aria-label={t('monitoring.groups.group', { name: g.name })}
            >
              <td>
                {g.name}
                {g.description && <span className="muted small"> {g.description}</span>}
              </td>
              <td className="small">
                {g.members.length === 0 ? (
                  <span className="muted">{t('monitoring.groups.nobody')}</span>
                ) : (
                  g.members.map((id) => userName(t, users.get(id), id)).join(', ')
                )}
              </td>
              <td>
                {g.is_active ? (
                  <span className="badge on">{t('monitoring.groups.active')}</span>
                ) : (
                  <span className="badge off">{t('monitoring.groups.inactive')}</span>
                )}
              </td>
              <td>
                <div className="item-actions">
                  <button
                    type="button"
                    className="small ghost"
                    onClick={() => setEditing(g)}
                    aria-label={t('monitoring.groups.editGroup', { name: g.name })}
                  >
                    {t('common.edit')}
                  </button>
                  <button
                    type="button"
                    className="small ghost"
                    onClick={() => void setActive(g, !g.is_active)}
                    aria-label={t(
                      g.is_active ? 'monitoring.groups.deactivateGroup' : 'monitoring.groups.reactivateGroup',
                      { name: g.name },
                    )}
                  >
                    {g.is_active ? t('monitoring.groups.deactivate') : t('monitoring.groups.reactivate')}
                  </button>
                  <button
                    type="button"
                    className="small danger-ghost"
                    onClick={() => void remove(g)}
                    aria-label={t('monitoring.groups.deleteGroupOf', { name: g.name })}
                  >
                    {t('common.delete')}
                  </button>
                  {results.show(g.id)}
                </div>
              </td>
            </tr>
          ))}
        </Table>
        {data.data?.groups.length === 0 && <p className="muted">{t('monitoring.groups.none')}</p>}
      </section>
    </Page>
  );
}

function GroupForm({
  group,
  users,
  onDone,
}: {
  group?: Group;
  users: User[];
  onDone: (changed: boolean) => void;
}) {
  const t = useT();
  const form = useSubmit();
  const [members, setMembers] = useState<number[]>(group?.members ?? []);
  const [search, setSearch] = useState('');
  const byId = new Map(users.map((u) => [u.id, u]));
  const term = search.trim().toLowerCase();
  const matches = term
    ? users
        .filter(
          (u) =>
            u.is_active &&
            !members.includes(u.id) &&
            [u.full_name, u.username, u.email ?? ''].some((s) => s.toLowerCase().includes(term)),
        )
        .slice(0, 8)
    : [];
  // `members.1: user 77 is not a member…` belongs under the member picker.
  const memberError = Object.entries(form.fields).find(
    ([k]) => k === 'members' || k.startsWith('members.'),
  )?.[1];
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body = {
      name: formText(f, 'name').trim(),
      description: formText(f, 'description').trim(),
      members,
    };
    const ok = await form.run(() =>
      group
        ? api.patch('/api/monitoring/groups/{id}', { path: { id: group.id }, body })
        : api.post('/api/monitoring/groups', { body }),
    );
    if (ok) onDone(true);
  }
  return (
    <form
      className="card form"
      onSubmit={(e) => void submit(e)}
      aria-label={group ? t('monitoring.groups.editGroup', { name: group.name }) : t('monitoring.groups.new')}
      noValidate
    >
      <h2>{group ? t('monitoring.groups.group', { name: group.name }) : t('monitoring.groups.new')}</h2>
      <div className="grid2">
        <Field label={t('monitoring.groups.name')} name="name" errors={form.fields}>
          <input defaultValue={group?.name} required />
        </Field>
        <Field label={t('monitoring.groups.description')} name="description" errors={form.fields}>
          <input defaultValue={group?.description ?? ''} />
        </Field>
      </div>
      <fieldset>
        <legend>{t('monitoring.groups.members')}</legend>
        {members.length === 0 && <p className="muted small">{t('monitoring.groups.noMembers')}</p>}
        <ul className="member-chips" aria-label={t('monitoring.groups.members')}>
          {members.map((id) => (
            <li key={id}>
              {userName(t, byId.get(id), id)}
              <button
                type="button"
                className="small ghost"
                onClick={() => setMembers((m) => m.filter((x) => x !== id))}
                aria-label={t('monitoring.groups.removeMember', { name: userName(t, byId.get(id), id) })}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
        <label>
          {t('monitoring.groups.findUser')}
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={t('monitoring.groups.findUserHint')}
            aria-describedby={memberError ? 'members-error' : undefined}
          />
        </label>
        {term && matches.length === 0 && <p className="muted small">{t('monitoring.groups.noMatch')}</p>}
        <ul className="plain" aria-label={t('monitoring.groups.matches')}>
          {matches.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                className="small ghost"
                onClick={() => {
                  setMembers((m) => [...m, u.id]);
                  setSearch('');
                }}
              >
                {t('monitoring.groups.addMember', { name: userName(t, u, u.id) })}
              </button>{' '}
              <span className="muted small">{u.username}</span>
            </li>
          ))}
        </ul>
        {memberError && (
          <span id="members-error" className="error small field-error" data-field="members">
            {memberError}
          </span>
        )}
      </fieldset>
      <FormActions
        form={form}
        submit={group ? t('monitoring.groups.save') : t('monitoring.groups.create')}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}
