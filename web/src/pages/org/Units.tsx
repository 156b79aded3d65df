import { useState, type FormEvent } from 'react';
import { allPages, api, messageOf } from '../../api/client';
import { ErrorText, Page, useLoad, formText } from '../../ui';

export function Units() {
  const [error, setError] = useState('');
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
      setError(messageOf(err));
    }
  };
  function addUnit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void run(async () => {
      await api.post('/api/auth/units', {
        body: {
          unit_name: formText(f, 'unit_name'),
          unit_code: formText(f, 'unit_code'),
          location: formText(f, 'location') || null,
        },
      });
      form.reset();
    });
  }
  return (
    <Page title="Units & departments">
      <form className="card form row wrap" onSubmit={addUnit} aria-label="New unit">
        <label>
          Unit name <input name="unit_name" required />
        </label>
        <label>
          Code <input name="unit_code" required />
        </label>
        <label>
          Location <input name="location" />
        </label>
        <button type="submit">Add unit</button>
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
                  Deactivate
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
                  Reactivate
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
                        deactivate
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
                  New department in {u.unit_name}
                </label>
                <input id={`dep-${u.id}`} name="department_name" placeholder="New department" required />
                <button type="submit" className="small">
                  Add
                </button>
              </form>
            )}
          </section>
        ))}
      </div>
    </Page>
  );
}
