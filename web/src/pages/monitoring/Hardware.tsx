import { useEffect, useMemo, useState } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import { useI18n } from '../../i18n';
import { protocolLabel } from '../../i18n/labels';
import { ErrorText, Options, Page, StatusText, Table, useItemResults, useLoad } from '../../ui';

type Chassis = Answer<'/api/monitoring/chassis', 'get'>['items'][number];
type Found = Answer<'/api/monitoring/discovery', 'get'>['items'][number];

/** How often the discovery list is read again while the page is open (receivers announce often). */
const DISCOVERY_REFRESH_MS = 10_000;

/**
 * Org admins: the receivers (chassis) the server reads, and the receivers announcing themselves on
 * the venue network, each added with one click into a location.
 */
export function Hardware() {
  const { t } = useI18n();
  const [added, setAdded] = useState('');
  const data = useLoad(async () => {
    const [chassis, locations] = await Promise.all([
      allPages((cursor) => api.get('/api/monitoring/chassis', { query: { limit: 200, cursor } })),
      allPages((cursor) => api.get('/api/monitoring/locations', { query: { limit: 200, cursor } })),
    ]);
    return { chassis: chassis.sort((a, b) => a.name.localeCompare(b.name)), locations };
  }, []);
  const place = useMemo(
    () =>
      new Map(
        (data.data?.locations ?? []).map((l) => [l.id, [l.building, l.room].filter(Boolean).join(' / ')]),
      ),
    [data.data],
  );
  return (
    <Page title={t('nav.hardware')}>
      <StatusText>{added}</StatusText>
      <Discovery
        locations={data.data?.locations ?? []}
        onAdded={(c) => {
          setAdded(t('hardware.added', { name: c.name }));
          data.reload();
        }}
      />
      <section className="card" aria-labelledby="receivers-head">
        <h2 id="receivers-head">{t('hardware.receivers')}</h2>
        <ErrorText>{data.error}</ErrorText>
        {data.data && data.data.chassis.length === 0 && <p className="muted">{t('hardware.none')}</p>}
        {data.data && data.data.chassis.length > 0 && (
          <Table
            columns={[
              t('common.name'),
              t('hardware.model'),
              t('hardware.address'),
              t('common.location'),
              t('hardware.protocol'),
              t('common.status'),
            ]}
          >
            {data.data.chassis.map((c: Chassis) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{[c.manufacturer, c.model].filter(Boolean).join(' ')}</td>
                <td>{c.ip ? `${c.ip}:${c.port ?? ''}` : '—'}</td>
                <td>{(c.location_id && place.get(c.location_id)) || t('hardware.noLocation')}</td>
                <td>{protocolLabel(t, c.protocol)}</td>
                <td>{c.is_online ? t('hardware.online') : t('hardware.offline')}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </Page>
  );
}

function Discovery({
  locations,
  onAdded,
}: {
  locations: Answer<'/api/monitoring/locations', 'get'>['items'];
  onAdded: (c: Chassis) => void;
}) {
  const { t, fmt } = useI18n();
  const [locationId, setLocationId] = useState('');
  const results = useItemResults();
  const found = useLoad(() => api.get('/api/monitoring/discovery'), []);
  const { reload } = found;
  useEffect(() => {
    const timer = setInterval(reload, DISCOVERY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  async function add(d: Found) {
    let chassis: Chassis | null = null;
    const ok = await results.run(d.id, async () => {
      chassis = (
        await api.post('/api/monitoring/discovery/{id}/add', {
          path: { id: d.id },
          body: { location_id: locationId || null },
        })
      ).chassis;
    });
    if (ok && chassis) {
      onAdded(chassis);
      reload();
    }
  }

  const items = found.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="discovery-head" data-testid="discovery">
      <h2 id="discovery-head">{t('hardware.discovery')}</h2>
      <p className="muted small">
        {found.data?.listening === false ? t('hardware.discoveryOff') : t('hardware.discoveryHelp')}
      </p>
      <ErrorText>{found.error}</ErrorText>
      <div className="field">
        <label htmlFor="discovery-location">{t('hardware.addInto')}</label>
        <select id="discovery-location" value={locationId} onChange={(e) => setLocationId(e.target.value)}>
          <option value="">{t('hardware.noLocation')}</option>
          <Options items={locations} label={(l) => [l.building, l.room].filter(Boolean).join(' / ')} />
        </select>
      </div>
      {found.data && items.length === 0 && <p className="muted">{t('hardware.nothingFound')}</p>}
      {items.length > 0 && (
        <Table
          columns={[
            t('hardware.vendor'),
            t('hardware.model'),
            t('common.name'),
            t('hardware.address'),
            t('hardware.channels'),
            t('hardware.lastSeen'),
            '',
          ]}
        >
          {items.map((d) => (
            <tr key={d.id}>
              <td title={protocolLabel(t, d.protocol)}>{d.vendor}</td>
              <td>{d.model ?? t('hardware.unknownModel')}</td>
              <td>{d.name ?? '—'}</td>
              <td>{`${d.address}:${d.port}`}</td>
              <td>{d.channels ?? '—'}</td>
              <td>{fmt.time(d.last_seen)}</td>
              <td>
                {d.chassis_id ? (
                  <span className="muted">{t('hardware.alreadyAdded')}</span>
                ) : (
                  <button
                    type="button"
                    onClick={() => void add(d)}
                    aria-label={t('hardware.addWhat', { what: d.name ?? d.address })}
                  >
                    {t('hardware.add')}
                  </button>
                )}{' '}
                {results.show(d.id)}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
