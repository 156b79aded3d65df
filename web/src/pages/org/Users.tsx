import { useEffect, useRef, useState, type FormEvent } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import { useT } from '../../i18n';
import { userRoleLabel } from '../../i18n/labels';
import { ErrorText, Field, FormActions, Options, Page, Table, useLoad, useSubmit, formText } from '../../ui';

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
  const t = useT();
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
  // Department names repeat across units (every plant has its QC): only the chosen unit's are offered.
  const departmentsOfUnit = unit
    ? (ref.data?.departments.filter((d) => d.unit_id === Number(unit)) ?? [])
    : [];
  return (
    <Page
      title={t('nav.users')}
      actions={
        <button type="button" onClick={() => setEditing('new')}>
          {t('users.new')}
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
          key={editing === 'new' ? 'new' : editing.id}
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
          {t('users.unit')}
          <select value={unit} onChange={(e) => (setUnit(e.target.value), setDepartment(''))}>
            <option value="">{t('users.allUnits')}</option>
            <Options items={ref.data?.units} label={(u) => u.unit_name} />
          </select>
        </label>
        <label>
          {t('users.department')}
          <select value={department} onChange={(e) => setDepartment(e.target.value)} disabled={!unit}>
            <option value="">{t('users.allDepartments')}</option>
            <Options items={departmentsOfUnit} label={(d) => d.department_name} />
          </select>
        </label>
        <label>
          {t('common.search')}
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('users.searchHint')}
          />
        </label>
      </div>
      <ErrorText>{users.error || ref.error}</ErrorText>
      <Table
        columns={[
          t('common.name'),
          t('users.username'),
          t('common.role'),
          t('users.unitsAndDepartments'),
          '',
        ]}
      >
        {users.data?.items.map((u) => (
          <tr key={u.id} className={u.is_active ? '' : 'inactive'}>
            <td>{u.full_name || '—'}</td>
            <td>{u.username}</td>
            <td>{userRoleLabel(t, u.role)}</td>
            <td>
              {u.unit_assignments.map((a) => (
                <div key={a.id}>
                  <strong>{a.unit.unit_name}</strong>:{' '}
                  {a.departments.length
                    ? a.departments.map((d) => d.department_name).join(', ')
                    : t('users.allDepartments')}
                </div>
              ))}
            </td>
            <td>
              <button
                type="button"
                className="small"
                onClick={() => setEditing(u)}
                aria-label={t('common.editWhat', { what: u.username })}
              >
                {t('common.edit')}
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
  const form = useSubmit();
  const t = useT();
  // The form opens above the list: the keyboard follows it instead of staying on "New user".
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
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
    let done = '';
    const ok = await form.run(async () => {
      if (user) {
        await api.patch('/api/auth/users/{id}', {
          path: { id: user.id },
          body: { ...common, is_active: f.get('is_active') === 'on' },
        });
        done = t('users.saved', { name: common.username });
      } else {
        const created = await api.post('/api/auth/users', { body: common });
        done = t('users.created', { name: created.username, password: created.temporary_password });
      }
    });
    if (ok) onDone(done);
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="user-form-title" noValidate>
      <h2 id="user-form-title">{user ? t('common.editWhat', { what: user.username }) : t('users.new')}</h2>
      <div className="grid2">
        <Field label={t('users.username')} name="username" errors={form.fields}>
          <input ref={first} defaultValue={user?.username} required />
        </Field>
        <Field label={t('users.fullName')} name="full_name" errors={form.fields}>
          <input defaultValue={user?.full_name} />
        </Field>
        <Field label={t('users.email')} name="email" errors={form.fields}>
          <input type="email" defaultValue={user?.email ?? ''} />
        </Field>
        <Field label={t('common.role')} name="role" errors={form.fields}>
          <select defaultValue={user?.role ?? 'User'}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {userRoleLabel(t, r)}
              </option>
            ))}
          </select>
        </Field>
        {user && (
          <label className="check">
            <input type="checkbox" name="is_active" defaultChecked={user.is_active} /> {t('common.active')}
          </label>
        )}
      </div>
      <fieldset className="tree">
        <legend>{t('users.unitsAndDepartments')}</legend>
        {form.fields.unit_assignments_data && (
          <span className="error small field-error" data-field="unit_assignments_data" role="alert">
            {form.fields.unit_assignments_data}
          </span>
        )}
        {units.length === 0 && <p className="muted">{t('users.noUnit')}</p>}
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
                      {t('users.departmentsOf', { name: u.unit_name })}{' '}
                      {chosen.size === 0 ? (
                        <em>{t('users.allDepartments')}</em>
                      ) : (
                        t('users.selected', { count: chosen.size })
                      )}
                    </legend>
                    {own.length === 0 && <span className="muted small">{t('users.noDepartment')}</span>}
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
      <FormActions form={form} submit={user ? t('common.save') : t('users.create')} onCancel={onCancel} />
    </form>
  );
}
