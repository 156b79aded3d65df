import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { userRoleLabel } from '../../i18n/labels';
import { Figures, useLoad } from '../../ui';
import { HomeCard } from './Card';

/** People shown per unit on the home page; the Users page lists them all. */
const PEOPLE_SHOWN = 8;

/**
 * A plant user's units and departments, and the people of each unit they may see (the API
 * answers only those: themselves for a User, their units' people for a head).
 */
export function MyUnits({ userId, canOpenUsers }: { userId: number; canOpenUsers: boolean }) {
  const { t, fmt } = useI18n();
  const mine = useLoad(async () => {
    const me = await api.get('/api/auth/users/{id}', { path: { id: userId } });
    const people = await Promise.all(
      me.unit_assignments.map((a) =>
        api.get('/api/auth/users', { query: { unit: a.unit.id, limit: PEOPLE_SHOWN } }),
      ),
    );
    return { me, people };
  }, [userId]);
  const data = mine.data;
  // Most people hold no unit: the card appears only once it has units to show (or an error).
  if (data ? data.me.unit_assignments.length === 0 : !mine.error) return null;
  return (
    <HomeCard
      title={t('home.units.title')}
      subtitle={data ? userRoleLabel(t, data.me.role) : undefined}
      error={mine.error}
      link={canOpenUsers ? { href: '/org/users', label: t('home.units.allPeople') } : undefined}
    >
      {data?.me.unit_assignments.map((a, i) => {
        const people = data.people[i];
        // The count is given on a list's first page; without it, what was listed.
        const total = people.count ?? people.items.length;
        return (
          <article key={a.id} className="home-unit">
            <h3>
              {a.unit.unit_name} <span className="muted small">{a.unit.unit_code}</span>
            </h3>
            <p className="small">
              {a.departments.length === 0
                ? t('home.units.allDepartments')
                : t('home.units.departments', {
                    list: a.departments.map((d) => d.department_name).join(', '),
                  })}
            </p>
            <Figures items={[{ label: t('home.units.people'), value: fmt.number(total) }]} />
            <ul className="plain small" aria-label={t('home.units.peopleOf', { unit: a.unit.unit_name })}>
              {people.items.map((p) => (
                <li key={p.id}>
                  {p.full_name} <span className="muted">· {userRoleLabel(t, p.role)}</span>
                </li>
              ))}
              {total > people.items.length && (
                <li className="muted">{t('home.units.more', { count: total - people.items.length })}</li>
              )}
            </ul>
          </article>
        );
      })}
    </HomeCard>
  );
}
