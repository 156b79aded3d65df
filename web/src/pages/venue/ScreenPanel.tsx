import { useEffect, useState } from 'react';
import type { Answer } from '../../api/client';
import { useI18n } from '../../i18n';

/**
 * The room panel a room's screen plays (`room_panel`: the room's session now and next, occupancy
 * against capacity, announcements) or a lobby's event board (`lobby_board`). The player fetches
 * it with its own token; the last answer is kept in the browser, so a reload or an outage still
 * shows it, marked stale with the time it was last fetched.
 */
type Panel = Answer<'/api/device/room-panel', 'get'>;
type Session = NonNullable<Extract<Panel, { kind: 'room' }>['current']>;

/** Asset types the venue adds to a screen's playlist; their content is this live panel, not a file. */
export const PANEL_TYPES = ['room_panel', 'lobby_board'] as const;
export const isPanel = (assetType: string) => (PANEL_TYPES as readonly string[]).includes(assetType);

const PANEL_CACHE = 'roster.player.panel';
const PANEL_POLL_MS = 10_000;
/** A panel older than this is shown as stale: three polls missed. */
const STALE_AFTER_MS = 3 * PANEL_POLL_MS;

interface Kept {
  panel: Panel;
  fetchedAt: number;
}

function keptPanel(): Kept | null {
  const raw = localStorage.getItem(PANEL_CACHE);
  return raw ? (JSON.parse(raw) as Kept) : null;
}

export function ScreenPanel({ url, token }: { url: string; token: string }) {
  const { t, fmt } = useI18n();
  const [kept, setKept] = useState<Kept | null>(keptPanel);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
      if (res?.ok) {
        const next = { panel: (await res.json()) as Panel, fetchedAt: Date.now() };
        localStorage.setItem(PANEL_CACHE, JSON.stringify(next));
        if (live) setKept(next);
      }
      if (!live) return;
      setNow(Date.now());
      timer = setTimeout(() => void load(), PANEL_POLL_MS);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [url, token]);

  if (!kept) return <p>{t('panel.loading')}</p>;
  const { panel, fetchedAt } = kept;
  const zone = panel.room.event.timezone;
  const range = (s: Session) => `${fmt.time(s.start_time, zone)}–${fmt.time(s.end_time, zone)}`;
  const stale = now - fetchedAt > STALE_AFTER_MS;
  const slot = (title: string, s: Session | null, none: string, testId: string) => (
    <div>
      <h2>{title}</h2>
      {s ? (
        <p data-testid={testId}>
          <strong>{s.title}</strong> {s.speaker_name}
          <span className="when">{range(s)}</span>
        </p>
      ) : (
        <p>{none}</p>
      )}
    </div>
  );
  return (
    <section
      className={`screen-panel${stale ? ' stale' : ''}`}
      data-testid="screen-panel"
      data-kind={panel.kind}
    >
      <header>
        <h1>{panel.kind === 'room' ? panel.room.name : panel.room.event.name}</h1>
        {panel.kind === 'room' && (
          <p className="occupancy" data-testid="panel-occupancy">
            {t('panel.occupancy', {
              inside: fmt.number(panel.room.occupancy),
              capacity: fmt.number(panel.room.capacity),
            })}
            <meter min={0} max={Math.max(1, panel.room.capacity)} value={panel.room.occupancy} />
          </p>
        )}
      </header>
      {panel.kind === 'room' ? (
        <div className="sessions">
          {slot(t('panel.now'), panel.current, t('panel.nothingNow'), 'panel-current')}
          {slot(t('panel.next'), panel.next, t('panel.nothingNext'), 'panel-next')}
        </div>
      ) : (
        <ol className="timetable">
          {panel.timetable.map((s) => (
            <li key={s.id}>
              <span className="when">{range(s)}</span> <strong>{s.title}</strong> · {s.room_name}
            </li>
          ))}
          {panel.timetable.length === 0 && <li>{t('panel.nothingNext')}</li>}
        </ol>
      )}
      {panel.announcements.length > 0 && (
        <ul className="announcements" aria-label={t('panel.announcements')}>
          {panel.announcements.map((a) => (
            <li key={a.id}>
              <strong>{a.title}</strong> {a.description}
            </li>
          ))}
        </ul>
      )}
      {stale && (
        <p className="stale-flag" role="status" data-testid="panel-stale">
          {t('panel.stale', { time: fmt.time(fetchedAt, zone) })}
        </p>
      )}
    </section>
  );
}
