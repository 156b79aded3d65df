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

type Group = Answer<'/api/monitoring/groups', 'get'>['items'][number];
type User = Answer<'/api/auth/users', 'get'>['items'][number];

const userName = (u: User | undefined, id: number) => (u ? u.full_name || u.username : `user #${id}`);

/**
 * Org admins: monitoring groups (who sees which mics), created, renamed, staffed, (de)activated and
 * deleted.
 */
export function Groups() {
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
      active ? 'Reactivated' : 'Deactivated — its members no longer see its mics',
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
      ? `More than ${n} microphone assignments`
      : n === 1
        ? '1 microphone assignment'
        : `${n} microphone assignments`;
    const ok = await confirm.ask({
      title: `Delete the group ${g.name}?`,
      message: (
        <p>
          {n === 0
            ? 'It has no microphone assignment.'
            : `${count} will be deleted with it, and its members lose sight of those mics.`}{' '}
          Deactivating keeps everything for later.
        </p>
      ),
      confirmLabel: 'Delete group',
    });
    if (
      ok &&
      (await results.run(g.id, () => api.del('/api/monitoring/groups/{id}', { path: { id: g.id } })))
    ) {
      setDeleted(`Group ${g.name} deleted${n ? `, with ${count.toLowerCase()}` : ''}`);
      data.reload();
    }
  }
  return (
    <Page
      title="Monitoring groups"
      actions={
        <button type="button" onClick={() => setEditing('new')}>
          New group
        </button>
      }
    >
      <p className="muted">
        A member of a group sees the performers and microphones assigned in it, and manages those assignments.
      </p>
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
        <h2 id="groups-title">Groups</h2>
        <Table columns={['Name', 'Members', 'Status', '']}>
          {data.data?.groups.map((g) => (
            <tr key={g.id} className={g.is_active ? '' : 'inactive'} aria-label={`Group ${g.name}`}>
              <td>
                {g.name}
                {g.description && <span className="muted small"> {g.description}</span>}
              </td>
              <td className="small">
                {g.members.length === 0 ? (
                  <span className="muted">nobody</span>
                ) : (
                  g.members.map((id) => userName(users.get(id), id)).join(', ')
                )}
              </td>
              <td>
                {g.is_active ? (
                  <span className="badge on">active</span>
                ) : (
                  <span className="badge off">deactivated</span>
                )}
              </td>
              <td>
                <div className="item-actions">
                  <button
                    type="button"
                    className="small ghost"
                    onClick={() => setEditing(g)}
                    aria-label={`Edit group ${g.name}`}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="small ghost"
                    onClick={() => void setActive(g, !g.is_active)}
                    aria-label={`${g.is_active ? 'Deactivate' : 'Reactivate'} group ${g.name}`}
                  >
                    {g.is_active ? 'Deactivate' : 'Reactivate'}
                  </button>
                  <button
                    type="button"
                    className="small danger-ghost"
                    onClick={() => void remove(g)}
                    aria-label={`Delete group ${g.name}`}
                  >
                    Delete
                  </button>
                  {results.show(g.id)}
                </div>
              </td>
            </tr>
          ))}
        </Table>
        {data.data?.groups.length === 0 && <p className="muted">No group yet.</p>}
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
      aria-label={group ? `Edit group ${group.name}` : 'New group'}
      noValidate
    >
      <h2>{group ? `Group ${group.name}` : 'New group'}</h2>
      <div className="grid2">
        <Field label="Group name" name="name" errors={form.fields}>
          <input defaultValue={group?.name} required />
        </Field>
        <Field label="Group description" name="description" errors={form.fields}>
          <input defaultValue={group?.description ?? ''} />
        </Field>
      </div>
      <fieldset>
        <legend>Members</legend>
        {members.length === 0 && (
          <p className="muted small">Nobody yet: only org admins see this group's mics.</p>
        )}
        <ul className="member-chips" aria-label="Members">
          {members.map((id) => (
            <li key={id}>
              {userName(byId.get(id), id)}
              <button
                type="button"
                className="small ghost"
                onClick={() => setMembers((m) => m.filter((x) => x !== id))}
                aria-label={`Remove ${userName(byId.get(id), id)}`}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
        <label>
          Find a user to add
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="name, username or e-mail"
            aria-describedby={memberError ? 'members-error' : undefined}
          />
        </label>
        {term && matches.length === 0 && <p className="muted small">No other user matches.</p>}
        <ul className="plain" aria-label="Matching users">
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
                Add {userName(u, u.id)}
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
        submit={group ? 'Save group' : 'Create group'}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}
