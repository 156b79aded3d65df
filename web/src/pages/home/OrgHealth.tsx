import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { useLiveEvents } from '../../live';
import { Figures, useLoad } from '../../ui';
import { HomeCard } from './Card';

/** Rows counted per list; beyond this the figure reads "200+". */
const COUNTED = 200;

/** A list's size, or undefined when the module did not answer (it then shows as unknown). */
async function sizeOf(list: Promise<{ items: unknown[]; next_cursor?: string | null }>) {
  const page = await list.catch(() => undefined);
  return page && { count: page.items.length, more: Boolean(page.next_cursor) };
}

/**
 * An administrator's view of the organization across modules: members, monitoring groups and their
 * open alerts, screens online and offline, events. A module that does not answer reads "unknown"
 * rather than hiding the others.
 */
export function OrgHealth({ events }: { events: number }) {
  const { t, fmt } = useI18n();
  const health = useLoad(async () => {
    const [members, counts, screens, offline] = await Promise.all([
      sizeOf(api.get('/api/members', { query: { limit: COUNTED } })),
      api.get('/api/monitoring/counts', { query: { by: 'group', limit: COUNTED } }).catch(() => undefined),
      sizeOf(api.get('/api/signage/devices', { query: { limit: COUNTED } })),
      sizeOf(api.get('/api/signage/devices', { query: { limit: COUNTED, online: 'false' } })),
    ]);
    return { members, counts, screens, offline };
  }, []);
  useLiveEvents('monitoring.alert.', () => health.reload());
  useLiveEvents('signage.device.', () => health.reload());
  const h = health.data;
  const unknown = t('home.health.unknown');
  const size = (s: { count: number; more: boolean } | undefined) =>
    s ? `${fmt.number(s.count)}${s.more ? '+' : ''}` : unknown;
  const openAlerts = h?.counts?.items.reduce((n, g) => n + g.open_alerts, 0);
  const performers = h?.counts?.items.reduce((n, g) => n + g.performers, 0);
  return (
    <HomeCard
      title={t('home.health.title')}
      error={health.error}
      loading={health.loading && !h}
      link={{ href: '/org/audit', label: t('home.health.audit') }}
    >
      {h && (
        <>
          <h3>{t('module.org')}</h3>
          <Figures items={[{ label: t('home.health.members'), value: size(h.members) }]} />
          <h3>{t('module.monitoring')}</h3>
          <Figures
            items={[
              {
                label: t('home.health.groups'),
                value: h.counts ? fmt.number(h.counts.items.length) : unknown,
              },
              {
                label: t('home.groups.performers'),
                value: performers === undefined ? unknown : fmt.number(performers),
              },
              {
                label: t('home.groups.openAlerts'),
                value: openAlerts === undefined ? unknown : fmt.number(openAlerts),
                tone: openAlerts ? 'bad' : 'ok',
              },
            ]}
          />
          <h3>{t('module.signage')}</h3>
          <Figures
            items={[
              { label: t('signage.screens'), value: size(h.screens) },
              {
                label: t('home.health.offline'),
                value: size(h.offline),
                tone: h.offline?.count ? 'bad' : 'ok',
              },
            ]}
          />
          <h3>{t('module.events')}</h3>
          <Figures items={[{ label: t('home.health.events'), value: fmt.number(events) }]} />
        </>
      )}
    </HomeCard>
  );
}
