import { useState, type FormEvent } from 'react';
import { allPages, api } from '../../api/client';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { ErrorText, Field, Page, useLoad, useSubmit, formText } from '../../ui';

export function Units() {
  const t = useT();
  const [error, setError] = useState('');
  const unitForm = useSubmit();
  const data = useLoad(async () => {
    const [units, departments] = await Promise.all([
      allPages((cursor) =>
        api.get('/api/auth/units', { query: { limit: 200, cursor, include_inactive: 'true' } }),
      ),
      allPages((cursor) =>
        api.get('/api/auth/departments', { query: { limit: 200, cursor, include_inactive: 'true' } }),
      ),
    ]);
    return { units, departments };
  }, []);
  const run = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
      data.reload();
    } catch (err) {
      setError(problemMessage(t, err));
    }
  };
  function addUnit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void unitForm
      .run(() =>
        api.post('/api/auth/units', {
          body: {
            unit_name: formText(f, 'unit_name').trim(),
            unit_code: formText(f, 'unit_code').trim(),
            location: formText(f, 'location').trim() || null,
          },
        }),
      )
      .then((ok) => ok && (form.reset(), data.reload()));
  }
  return (
    <Page title={t('nav.units')}>
      <form className="card form row wrap" onSubmit={addUnit} aria-label={t('units.new')} noValidate>
        <Field label={t('units.name')} name="unit_name" errors={unitForm.fields}>
          <input required />
        </Field>
        <Field label={t('units.code')} name="unit_code" errors={unitForm.fields}>
          <input required />
        </Field>
        <Field label={t('common.location')} name="location" errors={unitForm.fields}>
          <input />
        </Field>
        <button type="submit" disabled={unitForm.busy}>
          {t('units.add')}
        </button>
        <ErrorText>{unitForm.error}</ErrorText>
      </form>
      <ErrorText>{error || data.error}</ErrorText>
      <div className="rooms">
        {data.data?.units.map((u) => (
          <section
            key={u.id}
            className={`card ${u.is_active ? '' : 'inactive'}`}
            aria-labelledby={`unit-${u.id}`}
          >
            <div className="page-head">
              <h2 id={`unit-${u.id}`}>
                {u.unit_name} <span className="muted small">{u.unit_code}</span>
              </h2>
              {u.is_active ? (
                <button
                  type="button"
                  className="small ghost"
                  onClick={() => void run(() => api.del('/api/auth/units/{id}', { path: { id: u.id } }))}
                >
                  {t('units.deactivate')}
                </button>
              ) : (
                <button
                  type="button"
                  className="small ghost"
                  onClick={() =>
                    void run(() =>
                      api.patch('/api/auth/units/{id}', { path: { id: u.id }, body: { is_active: true } }),
                    )
                  }
                >
                  {t('units.reactivate')}
                </button>
              )}
            </div>
            {u.location && <p className="muted small">{u.location}</p>}
            <ul className="plain">
              {data
                .data!.departments.filter((d) => d.unit_id === u.id)
                .map((d) => (
                  <li key={d.id} className={d.is_active ? '' : 'inactive'}>
                    {d.department_name}{' '}
                    {d.is_active && (
                      <button
                        type="button"
                        className="link small"
                        onClick={() =>
                          void run(() => api.del('/api/auth/departments/{id}', { path: { id: d.id } }))
                        }
                      >
                        {t('units.deactivateDepartment')}
                      </button>
                    )}
                  </li>
                ))}
            </ul>
            {u.is_active && (
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  const form = e.currentTarget;
                  const name = formText(new FormData(form), 'department_name');
                  void run(async () => {
                    await api.post('/api/auth/departments', {
                      body: { unit_id: u.id, department_name: name },
                    });
                    form.reset();
                  });
                }}
              >
                <label className="sr-only" htmlFor={`dep-${u.id}`}>
                  {t('units.newDepartmentIn', { name: u.unit_name })}
                </label>
                <input
                  id={`dep-${u.id}`}
                  name="department_name"
                  placeholder={t('units.newDepartment')}
                  required
                />
                <button type="submit" className="small">
                  {t('units.addDepartment')}
                </button>
              </form>
            )}
          </section>
        ))}
      </div>
    </Page>
  );
}
