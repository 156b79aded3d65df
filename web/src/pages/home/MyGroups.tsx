import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { useLiveEvents } from '../../live';
import { Figures, fmtTime, useLoad } from '../../ui';
import { HomeCard } from './Card';

/** Open alerts listed on the home page, most recent first; the wall shows every one. */
const ALERTS_SHOWN = 5;

/**
 * A technician's monitoring groups with their live figures (performers, active assignments, open
 * alerts), and the open alerts of the units they reach; refreshed as alerts are raised and closed.
 */
export function MyGroups() {
  const { t, fmt } = useI18n();
  const groups = useLoad(async () => {
    const [mine, counts] = await Promise.all([
      api.get('/api/monitoring/me/groups', { query: { limit: 100 } }),
      api.get('/api/monitoring/counts', { query: { by: 'group', limit: 100 } }),
    ]);
    const byId = new Map(counts.items.map((c) => [c.id, c]));
    return mine.items.map((g) => ({ group: g, counts: byId.get(g.id) }));
  }, []);
  const alerts = useLoad(
    () => api.get('/api/monitoring/alerts', { query: { state: 'open', limit: ALERTS_SHOWN } }),
    [],
  );
  useLiveEvents('monitoring.alert.', () => (groups.reload(), alerts.reload()));
  useLiveEvents('monitoring.assignment.', () => groups.reload());
  if (groups.data ? groups.data.length === 0 : !groups.error) return null;
  return (
    <HomeCard
      title={t('home.groups.title')}
      error={groups.error || alerts.error}
      link={{ href: '/monitoring', label: t('home.groups.openWall') }}
    >
      {groups.data?.map(({ group, counts }) => (
        <article key={group.id} className="home-unit">
          <h3>{group.name}</h3>
          <Figures
            items={[
              { label: t('home.groups.performers'), value: fmt.number(counts?.performers ?? 0) },
              { label: t('home.groups.active'), value: fmt.number(counts?.active_assignments ?? 0) },
              {
                label: t('home.groups.openAlerts'),
                value: fmt.number(counts?.open_alerts ?? 0),
                tone: counts?.open_alerts ? 'bad' : 'ok',
              },
            ]}
          />
        </article>
      ))}
      <h3>{t('home.groups.alerts')}</h3>
      {alerts.data?.items.length === 0 ? (
        <p className="muted small">{t('home.groups.noAlert')}</p>
      ) : (
        <ul className="plain small alerts">
          {alerts.data?.items.map((a) => (
            <li key={a.id} className={`alert ${a.severity} open`}>
              <strong>{a.unit.name}</strong> · {a.performer.name} — {a.message}{' '}
              <span className="muted">({fmtTime(a.raised_at)})</span>
            </li>
          ))}
        </ul>
      )}
    </HomeCard>
  );
}
