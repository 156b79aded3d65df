import { useState } from 'react';
import { allPages, api } from '../../api/client';
import { useI18n } from '../../i18n';
import { ErrorText, useLoad } from '../../ui';

const PERIODS = {
  '15': 'monitoring.history.last15Minutes',
  '60': 'monitoring.history.lastHour',
  '360': 'monitoring.history.last6Hours',
  '1440': 'monitoring.history.last24Hours',
} as const;
const W = 640;
const H = 200;
const PAD = { left: 36, right: 28, top: 10, bottom: 24 };

/** Battery and RF of one unit over time, drawn as inline SVG from the sampled telemetry. */
export function HistoryChart({
  unitId,
  name,
  onClose,
}: {
  unitId: string;
  name: string;
  onClose: () => void;
}) {
  const { t: tr, fmt } = useI18n();
  const [minutes, setMinutes] = useState<keyof typeof PERIODS>('15');
  const data = useLoad(async () => {
    const to = Date.now();
    const from = to - Number(minutes) * 60_000;
    const items = await allPages((cursor) =>
      api.get('/api/monitoring/units/{id}/history', {
        path: { id: unitId },
        query: { from: new Date(from).toISOString(), limit: 200, cursor },
      }),
    );
    return {
      from,
      to,
      samples: items
        .map((s) => ({ at: Date.parse(s.at), battery: s.battery, rf: s.rf_signal, status: s.status }))
        .sort((a, b) => a.at - b.at),
    };
  }, [unitId, minutes]);
  const d = data.data;
  const x = (t: number) => (d ? PAD.left + ((t - d.from) / (d.to - d.from)) * (W - PAD.left - PAD.right) : 0);
  const y = (v: number) => PAD.top + (1 - v / 100) * (H - PAD.top - PAD.bottom);
  // A gap in the samples (unit offline, poller stopped) breaks the line instead of bridging it.
  const path = (key: 'battery' | 'rf') => {
    let out = '';
    let pen = false;
    for (const s of d?.samples ?? []) {
      const v = s[key];
      if (v == null) {
        pen = false;
        continue;
      }
      out += `${pen ? 'L' : 'M'}${x(s.at).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    return out;
  };
  const last = d?.samples.at(-1);
  const values = (key: 'battery' | 'rf') =>
    d?.samples.map((s) => s[key]).filter((v): v is number => v != null) ?? [];
  const range = (key: 'battery' | 'rf') => {
    const v = values(key);
    return v.length
      ? tr('monitoring.history.range', { min: Math.min(...v), max: Math.max(...v) })
      : tr('monitoring.history.noData');
  };
  const summary = d
    ? tr('monitoring.history.summary', {
        name,
        period: tr(PERIODS[minutes]),
        count: String(d.samples.length),
        battery: range('battery'),
        batteryNow: last?.battery ?? '—',
        rf: range('rf'),
        rfNow: last?.rf ?? '—',
      })
    : tr('monitoring.history.loading');
  const ticks = d ? Array.from({ length: 5 }, (_, i) => d.from + ((d.to - d.from) * i) / 4) : [];
  return (
    <section className="card history" aria-labelledby="history-title">
      <div className="page-head">
        <h2 id="history-title">{tr('monitoring.history.title', { name })}</h2>
        <div className="row">
          <label className="inline">
            {tr('monitoring.history.period')}{' '}
            <select value={minutes} onChange={(e) => setMinutes(e.target.value as keyof typeof PERIODS)}>
              {Object.entries(PERIODS).map(([m, key]) => (
                <option key={m} value={m}>
                  {tr(key)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="small ghost" onClick={onClose}>
            {tr('common.close')}
          </button>
        </div>
      </div>
      <ErrorText>{data.error}</ErrorText>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="chart"
        role="img"
        aria-label={summary}
        data-testid="history-chart"
        data-samples={d?.samples.length ?? 0}
      >
        {[0, 25, 50, 75, 100].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {ticks.map((t) => (
          <text key={t} x={x(t)} y={H - 6} textAnchor="middle">
            {fmt.time(t)}
          </text>
        ))}
        <path d={path('battery')} className="line battery" />
        <path d={path('rf')} className="line rf" />
      </svg>
      <p className="legend small">
        <span className="key battery" /> {tr('monitoring.history.battery')} <span className="key rf" />{' '}
        {tr('monitoring.history.rf')} <span className="muted">· {summary}</span>
      </p>
      {d && d.samples.length === 0 && <p className="muted">{tr('monitoring.history.none')}</p>}
    </section>
  );
}
