import { useId, useState } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import { useI18n, type T } from '../../i18n';
import type { Key } from '../../i18n/en';
import { ErrorText, Figures, Options, Page, Table, useLoad, useZone } from '../../ui';
import { useEventChoice } from './common';
import { reasonLabel } from './reasons';

type Stats = Answer<'/api/events/events/{id}/stats/scans', 'get'>;
type Bucket = Stats['series'][number];
type Measure = Exclude<keyof Bucket, 'start'>;

const MEASURES: Array<{ key: Measure; label: Key }> = [
  { key: 'entries', label: 'stats.entries' },
  { key: 'exits', label: 'stats.exits' },
  { key: 'denied', label: 'stats.denied' },
  { key: 'forced', label: 'stats.forced' },
];
const QUARTER = 15 * 60_000;

/**
 * Door statistics: event managers see the whole event or any room; a badge controller sees the
 * room they hold now (the API refuses any other).
 */
export function Statistics() {
  const { event, picker } = useEventChoice(['manager', 'controlleur_des_badges']);
  const { t } = useI18n();
  const [roomId, setRoomId] = useState('');
  const manages = event?.role === 'manager';
  const rooms = useLoad(
    () =>
      event && manages
        ? allPages((cursor) =>
            api.get('/api/events/events/{id}/rooms', {
              path: { id: event.id },
              query: { limit: 200, cursor },
            }),
          )
        : Promise.resolve([]),
    [event?.id, manages],
  );
  const stats = useLoad(
    () =>
      event
        ? api.get('/api/events/events/{id}/stats/scans', {
            path: { id: event.id },
            query: manages && roomId ? { room_id: roomId } : {},
          })
        : Promise.resolve(null),
    [event?.id, manages, roomId],
  );
  if (!event) return <Page title={t('nav.statistics')}>{t('events.none')}</Page>;
  const s = stats.data;
  return (
    <Page
      title={t('stats.titleOf', { name: event.name })}
      actions={
        <div className="row">
          {picker}
          {manages && (
            <label className="inline">
              {t('common.room')}{' '}
              <select value={roomId} onChange={(e) => setRoomId(e.target.value)}>
                <option value="">{t('stats.wholeEvent')}</option>
                <Options items={rooms.data} label={(r) => r.name} />
              </select>
            </label>
          )}
          <button type="button" className="ghost" onClick={stats.reload}>
            {t('stats.refresh')}
          </button>
        </div>
      }
    >
      {!manages && <p className="muted">{t('stats.controllerNote')}</p>}
      <ErrorText>{stats.error || rooms.error}</ErrorText>
      {s && <StatsView stats={s} zone={event.timezone} />}
    </Page>
  );
}

function StatsView({ stats, zone }: { stats: Stats; zone: string }) {
  const { t, fmt } = useI18n();
  const reasons = Object.entries(stats.denied_by_reason);
  return (
    <>
      {stats.room && <h2>{stats.room.name}</h2>}
      <Figures
        label={t('stats.figures')}
        items={[
          ['stats.scans', stats.total_scans],
          ['stats.entries', stats.entries],
          ['stats.exits', stats.exits],
          ['stats.denied', stats.denied],
          ['stats.forced', stats.forced],
        ]}
      >
        {stats.peak_occupancy !== null && (
          <div>
            <dt>{t('stats.peak')}</dt>
            <dd>
              {fmt.number(stats.peak_occupancy)}
              {stats.room && <span className="muted small"> / {fmt.number(stats.room.capacity)}</span>}
            </dd>
          </div>
        )}
      </Figures>
      <h3>{t('stats.deniedByReason')}</h3>
      {reasons.length === 0 ? (
        <p className="muted">{t('stats.noDenial')}</p>
      ) : (
        <ul className="plain">
          {reasons.map(([reason, n]) => (
            <li key={reason}>
              {reasonLabel(t, reason)}: <strong>{fmt.number(n)}</strong>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('stats.series')}</h3>
      {stats.series.length === 0 ? (
        <p className="muted">{t('stats.noScan')}</p>
      ) : (
        <SeriesChart series={stats.series} zone={zone} />
      )}
    </>
  );
}

/** Every quarter hour from the first to the last one with scans, those without scans at zero. */
function quarters(series: Bucket[]): Bucket[] {
  const byStart = new Map(series.map((b) => [Date.parse(b.start), b]));
  const first = Math.min(...byStart.keys());
  const last = Math.max(...byStart.keys());
  const out: Bucket[] = [];
  for (let at = first; at <= last && out.length < 2000; at += QUARTER)
    out.push(
      byStart.get(at) ?? { start: new Date(at).toISOString(), entries: 0, exits: 0, denied: 0, forced: 0 },
    );
  return out;
}

const W = 720;
const H = 220;
const PAD = { left: 36, right: 8, top: 10, bottom: 28 };

/**
 * Entries, exits, denials and forced entries per quarter hour as grouped bars (plain SVG), with the
 * same figures as a table for screen readers and for reading exact values.
 */
function SeriesChart({ series, zone }: { series: Bucket[]; zone: string }) {
  const { t, fmt } = useI18n();
  const z = useZone(zone);
  const titleId = useId();
  const [asTable, setAsTable] = useState(false);
  const buckets = quarters(series);
  const max = Math.max(1, ...buckets.flatMap((b) => MEASURES.map((m) => b[m.key])));
  const slot = (W - PAD.left - PAD.right) / buckets.length;
  const bar = Math.max(1, (slot * 0.8) / MEASURES.length);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  // About eight time labels whatever the span, so they never overlap.
  const every = Math.max(1, Math.ceil(buckets.length / 8));
  return (
    <figure className="stats-chart">
      <svg
        className="chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={titleId}>{chartSummary(t, buckets, z)}</title>
        {ticks.map((v) => (
          <g key={v}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 4} y={y(v) + 4} textAnchor="end">
              {fmt.number(v)}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          const x0 = PAD.left + i * slot + slot * 0.1;
          return (
            <g key={b.start}>
              {MEASURES.map((m, j) => (
                <rect
                  key={m.key}
                  className={`bar ${m.key}`}
                  x={x0 + j * bar}
                  y={y(b[m.key])}
                  width={bar}
                  height={y(0) - y(b[m.key])}
                />
              ))}
              {i % every === 0 && (
                <text x={x0} y={H - 8}>
                  {z.time(b.start)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend small">
        {MEASURES.map((m) => (
          <span key={m.key}>
            <span className={`key ${m.key}`} aria-hidden="true" /> {t(m.label)}
          </span>
        ))}{' '}
        <span className="muted">{t('stats.zone', { zone })}</span>{' '}
        <button
          type="button"
          className="small ghost"
          aria-expanded={asTable}
          onClick={() => setAsTable((v) => !v)}
        >
          {asTable ? t('stats.hideTable') : t('stats.showTable')}
        </button>
      </figcaption>
      {asTable && (
        <Table columns={[z.label(t('stats.quarter')), ...MEASURES.map((m) => t(m.label))]}>
          {buckets.map((b) => (
            <tr key={b.start}>
              <td>{z.time(b.start)}</td>
              {MEASURES.map((m) => (
                <td key={m.key}>{fmt.number(b[m.key])}</td>
              ))}
            </tr>
          ))}
        </Table>
      )}
    </figure>
  );
}

/** What the chart shows, in one sentence, for those who do not see it. */
function chartSummary(t: T, buckets: Bucket[], z: ReturnType<typeof useZone>): string {
  const sum = (k: Measure) => buckets.reduce((n, b) => n + b[k], 0);
  const busiest = buckets.reduce((a, b) => (b.entries > a.entries ? b : a), buckets[0]);
  return t('stats.chartSummary', {
    count: buckets.length,
    from: z.label(z.dateTime(buckets[0].start)),
    entries: sum('entries'),
    exits: sum('exits'),
    denied: sum('denied'),
    forced: sum('forced'),
    busiest: z.time(busiest.start),
  });
}
