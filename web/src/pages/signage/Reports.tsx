import { useState } from 'react';
import { api } from '../../api/client';
import { useI18n, viewerZone } from '../../i18n';
import { ErrorText, Page, Table, useLoad } from '../../ui';

type GroupBy = 'asset' | 'device' | 'group' | 'day';
const GROUPINGS: GroupBy[] = ['asset', 'device', 'group', 'day'];

/** The start of a `date` input's day on the viewer's clock, as an instant. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
/** The end of a `date` input's day (the next midnight), so "to" includes the whole day. */
const dayEnd = (day: string) =>
  day ? new Date(new Date(`${day}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined;

/** Proof of play: what the screens showed, counted by asset, screen or day, and the CSV export. */
export function Reports() {
  const { t, fmt } = useI18n();
  const [groupBy, setGroupBy] = useState<GroupBy>('asset');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const zone = viewerZone();
  const range = { from: dayStart(from), to: dayEnd(to) };
  const summary = useLoad(
    () => api.get('/api/signage/plays/summary', { query: { group_by: groupBy, timezone: zone, ...range } }),
    [groupBy, from, to, zone],
  );
  const exportQuery = new URLSearchParams(
    Object.entries(range).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  const label = {
    asset: t('signage.byAsset'),
    device: t('signage.byScreen'),
    group: t('signage.byGroup'),
    day: t('signage.byDay'),
  };
  return (
    <Page title={t('signage.reports')}>
      <ErrorText>{summary.error}</ErrorText>
      <section className="card" aria-labelledby="plays-title">
        <h2 id="plays-title">{t('signage.proofOfPlay')}</h2>
        <div className="row wrap">
          <label>
            {t('signage.groupBy')}
            <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
              {GROUPINGS.map((g) => (
                <option key={g} value={g}>
                  {label[g]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('signage.fromDay')}{' '}
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            {t('signage.toDay')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <a href={`/api/signage/plays/export${exportQuery ? `?${exportQuery}` : ''}`} download>
            {t('signage.exportCsv')}
          </a>
        </div>
        <Table
          columns={[
            label[groupBy],
            t('signage.playCount'),
            t('signage.completed'),
            t('signage.interrupted'),
            t('signage.onScreen'),
          ]}
        >
          {summary.data?.items.map((r) => (
            <tr key={r.key}>
              <td>{r.label || r.key}</td>
              <td>{fmt.number(r.plays)}</td>
              <td>{fmt.number(r.completed)}</td>
              <td>{fmt.number(r.interrupted)}</td>
              <td>{t('signage.seconds', { count: r.total_seconds })}</td>
            </tr>
          ))}
        </Table>
        {summary.data?.items.length === 0 && <p className="muted">{t('signage.noPlays')}</p>}
      </section>
    </Page>
  );
}
