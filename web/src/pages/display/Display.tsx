import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../../api/client';
import { I18nProvider, useI18n, type T } from '../../i18n';
import { LiveProvider, useLive, useLiveEvents } from '../../live';
import './display.css';

/**
 * The wall on a TV at side of stage, opened with a display link (`/display#<token>`): no login,
 * read-only, full screen, readable from across the room. The token stays in the fragment, so it
 * never reaches a server log. The wall is read again as soon as the live stream (`/api/live`, with
 * the link's own credential and scope) says something on it changed; while the stream is down it
 * is read every two seconds instead.
 */
type Wall = Answer<'/api/monitoring/display', 'get'>;
type Slot = Wall['slots'][number];
type Channel = Extract<Slot, { kind: 'channel' }>;

/** Reads while the live stream is down. */
const READ_EVERY_MS = 2000;

const token = () => decodeURIComponent(window.location.hash.slice(1));

/** A live ticket asked with the display link's token (the display has no session). */
async function displayTicket(displayToken: string): Promise<{ ticket: string } | null> {
  const res = await fetch('/api/live/ticket', {
    method: 'POST',
    headers: { authorization: `Bearer ${displayToken}` },
  });
  return res.ok ? ((await res.json()) as { ticket: string }) : null;
}

export function Display() {
  // The display opens outside the signed-in console, so it brings its own language and live stream.
  return (
    <I18nProvider>
      <LiveProvider token={token()} ticket={displayTicket}>
        <DisplayWall />
      </LiveProvider>
    </I18nProvider>
  );
}

function DisplayWall() {
  const { t, fmt } = useI18n();
  const link = token();
  const { status } = useLive();
  const [wall, setWall] = useState<Wall | null>(null);
  const [readAt, setReadAt] = useState(0);
  const [problem, setProblem] = useState('');
  const [now, setNow] = useState(Date.now());
  const readNow = useRef<() => void>(() => {});

  useEffect(() => {
    if (!link) return;
    let stop = false;
    let reading = false;
    let again = false;
    let timer = 0;
    const read = async () => {
      // One read at a time; a change announced meanwhile is read right after it.
      if (reading) return void (again = true);
      reading = true;
      window.clearTimeout(timer);
      try {
        const res = await fetch('/api/monitoring/display', { headers: { authorization: `Bearer ${link}` } });
        if (res.status === 401 || res.status === 403) {
          setProblem(t('monitoring.display.linkInvalid'));
          return;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const next = (await res.json()) as Wall;
        setWall(next);
        setReadAt(Date.now());
        setProblem('');
      } catch {
        setProblem(t('monitoring.display.unreachable'));
      } finally {
        reading = false;
      }
      if (stop) return;
      if (again) {
        again = false;
        void read();
        return;
      }
      // Live: changes come on the stream; a slow read still keeps silent channels' staleness true.
      timer = window.setTimeout(() => void read(), live ? liveReadMs : READ_EVERY_MS);
    };
    const live = status === 'live';
    const liveReadMs = Math.max(1000, ((wall?.stale_after_seconds ?? 10) * 1000) / 2);
    readNow.current = () => void read();
    timer = window.setTimeout(() => void read(), 0);
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [link, t, status, wall?.stale_after_seconds]);

  useLiveEvents('monitoring.', () => readNow.current());

  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, []);

  if (!link) return <Message text={t('monitoring.display.needsLink')} />;
  if (!wall) return <Message text={problem || t('monitoring.display.connecting')} />;
  // When the server cannot be read for longer than the link allows, every reading is stale.
  const offline = now - readAt > wall.stale_after_seconds * 1000;
  return (
    <main className="display" aria-label={`${wall.name}: ${wall.scope.name}`}>
      <header className="display-head">
        <h1>{wall.scope.name}</h1>
        {problem || offline ? (
          <span className="display-offline" role="status">
            ⚠ {problem || t('monitoring.display.noFreshData')}
          </span>
        ) : (
          <span className="display-clock">{fmt.time(now)}</span>
        )}
        <FullscreenButton />
      </header>
      <Grid wall={wall} allStale={offline} />
    </main>
  );
}

function Message({ text }: { text: string }) {
  return (
    <main className="display display-message">
      <p>{text}</p>
    </main>
  );
}

function FullscreenButton() {
  const { t } = useI18n();
  if (!document.fullscreenEnabled) return null;
  return (
    <button
      type="button"
      className="display-fullscreen"
      onClick={() =>
        void (document.fullscreenElement ? document.exitFullscreen() : document.body.requestFullscreen())
      }
    >
      {t('monitoring.display.fullScreen')}
    </button>
  );
}

/** As many columns as keep tiles close to 4:3 on this screen, so 24 channels fit 1366×768. */
function useColumns(count: number, ref: React.RefObject<HTMLDivElement | null>) {
  const [columns, setColumns] = useState(6);
  useEffect(() => {
    const fit = () => {
      const box = ref.current;
      if (!box || count === 0) return;
      const { width, height } = box.getBoundingClientRect();
      let best = 1;
      let bestArea = 0;
      for (let c = 1; c <= count; c++) {
        const rows = Math.ceil(count / c);
        const w = width / c;
        const h = height / rows;
        const side = Math.min(w, h * 1.33);
        if (side > bestArea) {
          best = c;
          bestArea = side;
        }
      }
      setColumns(best);
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [count, ref]);
  return columns;
}

function Grid({ wall, allStale }: { wall: Wall; allStale: boolean }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const columns = useColumns(wall.slots.length, ref);
  const rows = Math.max(1, Math.ceil(wall.slots.length / columns));
  if (wall.slots.length === 0) return <p className="display-empty">{t('monitoring.display.noMicrophone')}</p>;
  return (
    <div
      ref={ref}
      className="display-grid"
      style={{ gridTemplateColumns: `repeat(${columns}, 1fr)`, gridTemplateRows: `repeat(${rows}, 1fr)` }}
    >
      {wall.slots.map((s, i) =>
        s.kind === 'spacer' ? (
          <div key={`spacer-${i}`} className="display-spacer" aria-hidden="true" />
        ) : (
          <Tile key={`${s.unit.id}-${i}`} channel={s} wall={wall} stale={allStale || s.stale} />
        ),
      )}
    </div>
  );
}

type State = { key: 'ok' | 'warn' | 'bad' | 'off' | 'stale'; icon: string; text: string };

/**
 * What a tile says, in words and a symbol as well as a colour: a colour-blind technician or a
 * washed-out screen must still tell a dying battery from a muted mic.
 */
function stateOf(t: T, c: Channel, wall: Wall, stale: boolean): State {
  const u = c.unit;
  const limits = wall.thresholds;
  if (stale) return { key: 'stale', icon: '◌', text: t('monitoring.display.state.stale') };
  if (u.status === 'offline' || u.status === 'unknown')
    return { key: 'off', icon: '✕', text: t('monitoring.display.state.offline') };
  if (c.alert?.severity === 'critical') return { key: 'bad', icon: '▲', text: alertText(t, c.alert.kind) };
  if (u.battery !== null && u.battery <= limits.battery_critical_percent)
    return { key: 'bad', icon: '▲', text: t('monitoring.display.state.battery') };
  if (u.rf_signal !== null && u.rf_signal < limits.rf_loss_below_percent)
    return { key: 'bad', icon: '▲', text: t('monitoring.display.state.rfLow') };
  if (c.alert) return { key: 'warn', icon: '◆', text: alertText(t, c.alert.kind) };
  if (u.is_muted || u.status === 'muted')
    return { key: 'warn', icon: '◆', text: t('monitoring.display.state.muted') };
  if (u.battery !== null && u.battery <= limits.battery_warning_percent)
    return { key: 'warn', icon: '◆', text: t('monitoring.display.state.battery') };
  return { key: 'ok', icon: '●', text: t('monitoring.display.state.ok') };
}

const ALERT_STATES = {
  battery_low: 'monitoring.display.state.battery',
  signal_loss: 'monitoring.display.state.rfDrop',
  audio_low: 'monitoring.display.state.noAudio',
  device_offline: 'monitoring.display.state.offline',
} as const;

// An alert kind this console does not know yet still shows, under its own name.
const alertText = (t: T, kind: string) =>
  kind in ALERT_STATES ? t(ALERT_STATES[kind as keyof typeof ALERT_STATES]) : kind.toUpperCase();

function Tile({ channel: c, wall, stale }: { channel: Channel; wall: Wall; stale: boolean }) {
  const { t, fmt } = useI18n();
  const u = c.unit;
  const state = stateOf(t, c, wall, stale);
  const who = c.performers.map((p) => p.name).join(' / ') || t('monitoring.display.unassigned');
  // Audio at or above 90 % is a peak; RF under the loss threshold is a drop.
  const peak = !stale && (u.audio_level ?? 0) >= 90;
  const rfDrop = !stale && u.rf_signal !== null && u.rf_signal < wall.thresholds.rf_loss_below_percent;
  return (
    <section
      className={`display-tile state-${state.key}`}
      aria-label={t('monitoring.display.tile', { who, unit: u.name, state: state.text })}
    >
      <div className="display-tile-head">
        <span className="display-channel">{u.name}</span>
        <span className="display-state">
          <span aria-hidden="true">{state.icon}</span> {state.text}
        </span>
      </div>
      <div className="display-who">{who}</div>
      {(u.channel_name || u.tx_type) && (
        <div className="display-rx">
          {u.channel_name && (
            <span className="display-rx-name" title={t('monitoring.display.channelName')}>
              {u.channel_name}
            </span>
          )}
          {u.tx_type && (
            <span className="display-tx">{t('monitoring.display.txType', { type: u.tx_type })}</span>
          )}
        </div>
      )}
      <div className="display-meters">
        <Meter label={t('monitoring.display.battery')} value={u.battery} suffix="%" />
        <Meter
          label={
            u.rf_antenna
              ? t('monitoring.display.rfAntenna', { antenna: u.rf_antenna })
              : t('monitoring.display.rf')
          }
          value={u.rf_signal}
          flag={rfDrop ? t('monitoring.display.drop') : ''}
        />
        <Meter
          label={t('monitoring.display.audio')}
          value={u.is_muted ? null : u.audio_level}
          flag={peak ? t('monitoring.display.peak') : u.is_muted ? t('monitoring.display.mute') : ''}
        />
      </div>
      {stale && (
        <div className="display-stale">
          {u.last_seen
            ? t('monitoring.display.lastHeard', { time: fmt.time(u.last_seen) })
            : t('monitoring.display.neverHeard')}
        </div>
      )}
    </section>
  );
}

function Meter({
  label,
  value,
  suffix = '',
  flag = '',
}: {
  label: string;
  value: number | null;
  suffix?: string;
  flag?: string;
}) {
  return (
    <div className="display-meter">
      <span className="display-meter-label">{label}</span>
      <span className="display-meter-bar" aria-hidden="true">
        <span style={{ width: `${Math.max(0, Math.min(100, value ?? 0))}%` }} />
      </span>
      <span className="display-meter-value">
        {flag ? <strong className="display-flag">{flag}</strong> : value === null ? '—' : `${value}${suffix}`}
      </span>
    </div>
  );
}
