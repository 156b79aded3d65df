import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../../api/client';
import './display.css';

/**
 * The wall on a TV at side of stage, opened with a display link (`/display#<token>`): no login,
 * read-only, full screen, readable from across the room. The token stays in the fragment, so it
 * never reaches a server log; the wall is read every two seconds with it.
 */
type Wall = Answer<'/api/monitoring/display', 'get'>;
type Slot = Wall['slots'][number];
type Channel = Extract<Slot, { kind: 'channel' }>;

const READ_EVERY_MS = 2000;

export function Display() {
  const token = decodeURIComponent(window.location.hash.slice(1));
  const [wall, setWall] = useState<Wall | null>(null);
  const [readAt, setReadAt] = useState(0);
  const [problem, setProblem] = useState('');
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    if (!token) return;
    let stop = false;
    const read = async () => {
      try {
        const res = await fetch('/api/monitoring/display', { headers: { authorization: `Bearer ${token}` } });
        if (res.status === 401 || res.status === 403) {
          setProblem('This display link is no longer valid. Ask an administrator for a new one.');
          return;
        }
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        setWall((await res.json()) as Wall);
        setReadAt(Date.now());
        setProblem('');
      } catch {
        setProblem('Cannot reach the server: readings below are not live.');
      }
      if (!stop) timer = window.setTimeout(() => void read(), READ_EVERY_MS);
    };
    let timer = window.setTimeout(() => void read(), 0);
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [token]);

  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, []);

  if (!token) return <Message text="This display needs a display link: /display#<token>." />;
  if (!wall) return <Message text={problem || 'Connecting…'} />;
  // When the server cannot be read for longer than the link allows, every reading is stale.
  const offline = now - readAt > wall.stale_after_seconds * 1000;
  return (
    <main className="display" aria-label={`${wall.name}: ${wall.scope.name}`}>
      <header className="display-head">
        <h1>{wall.scope.name}</h1>
        {problem || offline ? (
          <span className="display-offline" role="status">
            ⚠ {problem || 'No fresh data from the server'}
          </span>
        ) : (
          <span className="display-clock">{new Date(now).toLocaleTimeString()}</span>
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
  if (!document.fullscreenEnabled) return null;
  return (
    <button
      type="button"
      className="display-fullscreen"
      onClick={() =>
        void (document.fullscreenElement ? document.exitFullscreen() : document.body.requestFullscreen())
      }
    >
      Full screen
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
  const ref = useRef<HTMLDivElement>(null);
  const columns = useColumns(wall.slots.length, ref);
  const rows = Math.max(1, Math.ceil(wall.slots.length / columns));
  if (wall.slots.length === 0) return <p className="display-empty">No microphone on this wall.</p>;
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
function stateOf(c: Channel, wall: Wall, stale: boolean): State {
  const u = c.unit;
  const t = wall.thresholds;
  if (stale) return { key: 'stale', icon: '◌', text: 'STALE' };
  if (u.status === 'offline' || u.status === 'unknown') return { key: 'off', icon: '✕', text: 'OFFLINE' };
  if (c.alert?.severity === 'critical') return { key: 'bad', icon: '▲', text: alertText(c.alert.kind) };
  if (u.battery !== null && u.battery <= t.battery_critical_percent)
    return { key: 'bad', icon: '▲', text: 'BATTERY' };
  if (u.rf_signal !== null && u.rf_signal < t.rf_loss_below_percent)
    return { key: 'bad', icon: '▲', text: 'RF LOW' };
  if (c.alert) return { key: 'warn', icon: '◆', text: alertText(c.alert.kind) };
  if (u.is_muted || u.status === 'muted') return { key: 'warn', icon: '◆', text: 'MUTED' };
  if (u.battery !== null && u.battery <= t.battery_warning_percent)
    return { key: 'warn', icon: '◆', text: 'BATTERY' };
  return { key: 'ok', icon: '●', text: 'OK' };
}

const alertText = (kind: string) =>
  ({ battery_low: 'BATTERY', signal_loss: 'RF DROP', audio_low: 'NO AUDIO', device_offline: 'OFFLINE' })[
    kind
  ] ?? kind.toUpperCase();

function Tile({ channel: c, wall, stale }: { channel: Channel; wall: Wall; stale: boolean }) {
  const u = c.unit;
  const state = stateOf(c, wall, stale);
  const who = c.performers.map((p) => p.name).join(' / ') || 'Unassigned';
  // Audio at or above 90 % is a peak; RF under the loss threshold is a drop.
  const peak = !stale && (u.audio_level ?? 0) >= 90;
  const rfDrop = !stale && u.rf_signal !== null && u.rf_signal < wall.thresholds.rf_loss_below_percent;
  return (
    <section className={`display-tile state-${state.key}`} aria-label={`${who} on ${u.name}: ${state.text}`}>
      <div className="display-tile-head">
        <span className="display-channel">{u.name}</span>
        <span className="display-state">
          <span aria-hidden="true">{state.icon}</span> {state.text}
        </span>
      </div>
      <div className="display-who">{who}</div>
      <div className="display-meters">
        <Meter label="BAT" value={u.battery} suffix="%" />
        <Meter
          label={`RF${u.rf_antenna ? ` ${u.rf_antenna}` : ''}`}
          value={u.rf_signal}
          flag={rfDrop ? 'DROP' : ''}
        />
        <Meter
          label="AUD"
          value={u.is_muted ? null : u.audio_level}
          flag={peak ? 'PEAK' : u.is_muted ? 'MUTE' : ''}
        />
      </div>
      {stale && (
        <div className="display-stale">
          last heard {u.last_seen ? new Date(u.last_seen).toLocaleTimeString() : 'never'}
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
