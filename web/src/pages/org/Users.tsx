import { useState, type FormEvent } from 'react';
import { allPages, api, messageOf, type Answer } from '../../api/client';
import { ErrorText, Options, Page, Table, useLoad, formText } from '../../ui';

type User = Answer<'/api/auth/users', 'get'>['items'][number];
type Unit = Answer<'/api/auth/units', 'get'>['items'][number];
type Department = Answer<'/api/auth/departments', 'get'>['items'][number];
const ROLES = ['User', 'Section Head', 'Unit Head', 'Admin'] as const;

function useReference() {
  return useLoad(async () => {
    const [units, departments] = await Promise.all([
      allPages((cursor) => api.get('/api/auth/units', { query: { limit: 200, cursor } })),
      allPages((cursor) => api.get('/api/auth/departments', { query: { limit: 200, cursor } })),
    ]);
    return { units: units.filter((u) => u.is_active), departments: departments.filter((d) => d.is_active) };
  }, []);
}

export function Users() {
  const ref = useReference();
  const [unit, setUnit] = useState('');
  const [department, setDepartment] = useState('');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [created, setCreated] = useState('');
  const users = useLoad(
    () =>
      api.get('/api/auth/users', {
        query: {
          unit: unit ? Number(unit) : undefined,
          department: department ? Number(department) : undefined,
          q: q || undefined,
          limit: 200,
        },
      }),
    [unit, department, q],
  );
  const departmentsOfUnit = ref.data?.departments.filter((d) => !unit || d.unit_id === Number(unit)) ?? [];
  return (
    <Page
      title="Users"
      actions={
        <button type="button" onClick={() => setEditing('new')}>
          New user
        </button>
      }
    >
      {created && (
        <p role="status" className="notice">
          {created}
        </p>
      )}
      {editing && ref.data && (
        <UserForm
          user={editing === 'new' ? null : editing}
          units={ref.data.units}
          departments={ref.data.departments}
          onDone={(message) => {
            setEditing(null);
            setCreated(message);
            users.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <div className="filters" role="search">
        <label>
          Unit
          <select value={unit} onChange={(e) => (setUnit(e.target.value), setDepartment(''))}>
            <option value="">All units</option>
            <Options items={ref.data?.units} label={(u) => u.unit_name} />
          </select>
        </label>
        <label>
          Department
          <select value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">All departments</option>
            <Options items={departmentsOfUnit} label={(d) => d.department_name} />
          </select>
        </label>
        <label>
          Search
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="name, username, email"
          />
        </label>
      </div>
      <ErrorText>{users.error || ref.error}</ErrorText>
      <Table columns={['Name', 'Username', 'Role', 'Units and departments', '']}>
        {users.data?.items.map((u) => (
          <tr key={u.id} className={u.is_active ? '' : 'inactive'}>
            <td>{u.full_name || '—'}</td>
            <td>{u.username}</td>
            <td>{u.role}</td>
            <td>
              {u.unit_assignments.map((a) => (
                <div key={a.id}>
                  <strong>{a.unit.unit_name}</strong>:{' '}
                  {a.departments.length
                    ? a.departments.map((d) => d.department_name).join(', ')
                    : 'All departments'}
                </div>
              ))}
            </td>
            <td>
              <button
                type="button"
                className="small"
                onClick={() => setEditing(u)}
                aria-label={`Edit ${u.username}`}
              >
                Edit
              </button>
            </td>
          </tr>
        ))}
      </Table>
    </Page>
  );
}

/**
 * The user form: a checkbox per unit; checking a unit shows its departments; a unit with no
 * department checked means "All departments" of that unit.
 */
function UserForm({
  user,
  units,
  departments,
  onDone,
  onCancel,
}: {
  user: User | null;
  units: Unit[];
  departments: Department[];
  onDone: (m: string) => void;
  onCancel: () => void;
}) {
  const [picked, setPicked] = useState<Map<number, Set<number>>>(
    () =>
      new Map(user?.unit_assignments.map((a) => [a.unit.id, new Set(a.departments.map((d) => d.id))]) ?? []),
  );
  const [error, setError] = useState('');
  const toggleUnit = (id: number) =>
    setPicked((prev) => {
      const next = new Map(prev);
      if (next.has(id)) next.delete(id);
      else next.set(id, new Set());
      return next;
    });
  const toggleDepartment = (unitId: number, id: number) =>
    setPicked((prev) => {
      const next = new Map(prev);
      const set = new Set(next.get(unitId));
      if (set.has(id)) set.delete(id);
      else set.add(id);
      next.set(unitId, set);
      return next;
    });

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const unit_assignments_data = [...picked].map(([unit_id, ds]) => ({ unit_id, department_ids: [...ds] }));
    const common = {
      username: formText(f, 'username').trim(),
      email: formText(f, 'email').trim() || null,
      full_name: formText(f, 'full_name'),
      role: formText(f, 'role') as (typeof ROLES)[number],
      unit_assignments_data,
    };
    setError('');
    try {
      if (user) {
        await api.patch('/api/auth/users/{id}', {
          path: { id: user.id },
          body: { ...common, is_active: f.get('is_active') === 'on' },
        });
        onDone(`${common.username} saved.`);
      } else {
        const created = await api.post('/api/auth/users', { body: common });
        onDone(`${created.username} created. Temporary password (shown once): ${created.temporary_password}`);
      }
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="user-form-title">
      <h2 id="user-form-title">{user ? `Edit ${user.username}` : 'New user'}</h2>
      <div className="grid2">
        <label>
          Username
          <input name="username" defaultValue={user?.username} required />
        </label>
        <label>
          Full name
          <input name="full_name" defaultValue={user?.full_name} />
        </label>
        <label>
          Email
          <input name="email" type="email" defaultValue={user?.email ?? ''} />
        </label>
        <label>
          Role
          <select name="role" defaultValue={user?.role ?? 'User'}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {user && (
          <label className="check">
            <input type="checkbox" name="is_active" defaultChecked={user.is_active} /> Active
          </label>
        )}
      </div>
      <fieldset className="tree">
        <legend>Units and departments</legend>
        {units.length === 0 && (
          <p className="muted">No unit yet: create one under Units &amp; departments.</p>
        )}
        <ul>
          {units.map((u) => {
            const chosen = picked.get(u.id);
            const own = departments.filter((d) => d.unit_id === u.id);
            return (
              <li key={u.id}>
                <label className="check">
                  <input type="checkbox" checked={!!chosen} onChange={() => toggleUnit(u.id)} />
                  {` ${u.unit_name} `}
                  <span className="muted">({u.unit_code})</span>
                </label>
                {chosen && (
                  <fieldset className="departments">
                    <legend className="small">
                      Departments of {u.unit_name}:{' '}
                      {chosen.size === 0 ? <em>All departments</em> : `${chosen.size} selected`}
                    </legend>
                    {own.length === 0 && <span className="muted small">This unit has no department.</span>}
                    {own.map((d) => (
                      <label key={d.id} className="check">
                        <input
                          type="checkbox"
                          checked={chosen.has(d.id)}
                          onChange={() => toggleDepartment(u.id, d.id)}
                        />{' '}
                        {d.department_name}
                      </label>
                    ))}
                  </fieldset>
                )}
              </li>
            );
          })}
        </ul>
      </fieldset>
      <ErrorText>{error}</ErrorText>
      <div className="row">
        <button type="submit">{user ? 'Save' : 'Create user'}</button>
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
