import { useEffect, useRef, useState, type ReactNode } from 'react';
import { allPages, api, messageOf, type Answer, type Body } from '../../api/client';
import { useSession } from '../../auth';
import { useLiveEvents } from '../../live';
import { ErrorText, Options, Page, useLoad, formText } from '../../ui';
import { HistoryChart } from './History';
import { ALERT_TOGGLES } from './alerts';
import { Arranger, useBoard } from './Board';
import './wall.css';

type Assignment = Answer<'/api/monitoring/assignments', 'get'>['items'][number];
type Unit = Answer<'/api/monitoring/units/{id}', 'get'>;

const PRIORITY_ORDER = { critical: 0, high: 1, normal: 2, low: 3 } as const;

/** A tile's colour: offline/unknown grey, low battery or weak RF red/amber, otherwise green. */
function health(u: Unit | undefined): 'ok' | 'warn' | 'bad' | 'off' {
  if (!u || u.status === 'offline' || u.status === 'unknown') return 'off';
  if ((u.battery ?? 100) <= 10 || (u.rf_signal ?? 100) <= 10) return 'bad';
  if ((u.battery ?? 100) <= 25 || (u.rf_signal ?? 100) <= 30 || u.status === 'muted') return 'warn';
  return 'ok';
}

function Bars({ value, of, label }: { value: number | null; of: number; label: string }) {
  const n = value ?? 0;
  return (
    <span className="bars" role="img" aria-label={`${label}: ${value ?? 'unknown'} of ${of}`}>
      {Array.from({ length: of }, (_, i) => (
        <span key={i} className={i < n ? 'on' : ''} />
      ))}
    </span>
  );
}

type View = 'board' | 'priority' | 'group' | 'location';
const VIEWS: Record<View, string> = {
  board: 'Board (arranged)',
  priority: 'Priority',
  group: 'Group',
  location: 'Location',
};
const SOUND_KEY = 'roster.wall.sound';

/** A short two-tone beep made on the spot (no sound file to download or to fail loading). */
function beep() {
  const audio = new AudioContext();
  const at = audio.currentTime;
  for (const [i, hz] of [880, 660].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.25, at + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.001, at + i * 0.18 + 0.16);
    osc.connect(gain).connect(audio.destination);
    osc.start(at + i * 0.18);
    osc.stop(at + i * 0.18 + 0.17);
  }
  window.setTimeout(() => void audio.close(), 600);
}

const SHORTCUTS: [string, string][] = [
  ['1 … 9', 'show the 1st … 9th of my groups'],
  ['0', 'all my groups'],
  ['[ and ]', 'previous / next group'],
  ['a', 'open or close the alerts'],
  ['?', 'this help'],
  ['Esc', 'close what is open'],
];

/** The live wall: one tile per active assignment, refreshed from `/api/live` without reload. */
export function Wall() {
  const { access } = useSession();
  const [group, setGroup] = useState('');
  const [view, setView] = useState<View>('board');
  const [units, setUnits] = useState<Record<string, Unit>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [history, setHistory] = useState<{ id: string; name: string } | null>(null);
  const [alertsOpen, setAlertsOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [arranging, setArranging] = useState(false);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) === 'on');
  const [error, setError] = useState('');
  const groups = useLoad(() => api.get('/api/monitoring/me/groups', { query: { limit: 100 } }), []);
  const assignments = useLoad(
    async () => ({
      items: await allPages((cursor) =>
        api.get('/api/monitoring/assignments', {
          query: { monitoring_group_id: group || undefined, limit: 200, cursor },
        }),
      ),
    }),
    [group],
  );
  // Photos and where each receiver stands: reference data for the tiles and the location view.
  const reference = useLoad(async () => {
    const [performers, chassis, locations] = await Promise.all([
      allPages((cursor) => api.get('/api/monitoring/me/performers', { query: { limit: 200, cursor } })),
      allPages((cursor) => api.get('/api/monitoring/chassis', { query: { limit: 200, cursor } })),
      allPages((cursor) => api.get('/api/monitoring/locations', { query: { limit: 200, cursor } })),
    ]);
    const place = new Map(locations.map((l) => [l.id, [l.building, l.room].filter(Boolean).join(' · ')]));
    return {
      photo: new Map(performers.map((p) => [p.id, p.photo_url])),
      locationOfChassis: new Map(
        chassis.map((c) => [c.id, (c.location_id && place.get(c.location_id)) || 'No location']),
      ),
    };
  }, []);

  useEffect(() => {
    const ids = [...new Set(assignments.data?.items.map((a) => a.wireless_unit.id) ?? [])];
    Promise.all(ids.map((id) => api.get('/api/monitoring/units/{id}', { path: { id } })))
      .then((list) => setUnits(Object.fromEntries(list.map((u) => [u.id, u]))))
      .catch((err) => setError(messageOf(err)));
  }, [assignments.data]);

  useLiveEvents('monitoring.unit.', (m) => {
    const id = typeof m.data.id === 'string' ? m.data.id : '';
    if (!id) return;
    // The payload may be partial; the unit's own endpoint is the source of truth for the tile.
    api.get('/api/monitoring/units/{id}', { path: { id } }).then(
      (u) => setUnits((prev) => ({ ...prev, [u.id]: u })),
      () => undefined,
    );
  });
  useLiveEvents('monitoring.assignment.', () => assignments.reload());
  const board = useBoard(group);
  useLiveEvents('monitoring.board.', () => board.reload());
  const soundOn = useRef(sound);
  soundOn.current = sound;
  useLiveEvents('monitoring.alert.', (m) => {
    const raised = m.type === 'monitoring.alert.raised' || m.type === 'monitoring.alert.escalated';
    if (!raised) return;
    // A new or worse alert opens the drawer over the wall, where the operator is looking.
    setAlertsOpen(true);
    if (m.data.severity === 'critical' && soundOn.current) beep();
  });
  const openCount = useOpenAlertCount();

  // Keyboard: switch groups without the mouse; ignored while typing in a field.
  const groupIds = (groups.data?.items ?? []).map((g) => g.id);
  const keys = useRef({ groupIds, group });
  keys.current = { groupIds, group };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, select, textarea, [contenteditable]'))
        return;
      const { groupIds: ids, group: current } = keys.current;
      if (/^[1-9]$/.test(e.key) && ids[Number(e.key) - 1]) setGroup(ids[Number(e.key) - 1]);
      else if (e.key === '0') setGroup('');
      else if (e.key === '[' || e.key === ']') {
        const all = ['', ...ids];
        const at = all.indexOf(current);
        setGroup(all[(at + (e.key === ']' ? 1 : all.length - 1)) % all.length]);
      } else if (e.key === '?') setHelp((h) => !h);
      else if (e.key === 'a') setAlertsOpen((o) => !o);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const tiles = [...(assignments.data?.items ?? [])]
    .filter((a) => a.is_active)
    .sort(
      (a, b) =>
        PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
        a.performer.name.localeCompare(b.performer.name),
    );
  // The arranged board is a group's; across all my groups the wall follows priority.
  const byView: View = view === 'board' && !group ? 'priority' : view;
  const sectionOf = (a: Assignment): string => {
    if (byView === 'board' || byView === 'priority') return a.priority;
    if (view === 'group') return a.monitoring_group.name;
    const chassis = units[a.wireless_unit.id]?.chassis_id;
    return (chassis && reference.data?.locationOfChassis.get(chassis)) || 'No location';
  };
  const sections = new Map<string, Assignment[]>();
  for (const a of tiles) sections.set(sectionOf(a), [...(sections.get(sectionOf(a)) ?? []), a]);
  const order = [...sections.keys()];
  if (byView !== 'priority') order.sort((x, y) => x.localeCompare(y));
  const byId = new Map(tiles.map((a) => [a.id, a]));
  const tileOf = (a: Assignment) => (
    <Tile
      key={a.id}
      assignment={a}
      unit={units[a.wireless_unit.id]}
      photo={reference.data?.photo.get(a.performer.id) ?? null}
      onEdit={access.isOrgAdmin ? () => setEditing(a.id) : undefined}
      onHistory={() =>
        setHistory({
          id: a.wireless_unit.id,
          name: `${a.wireless_unit.name} (${a.performer.name})`,
        })
      }
    />
  );
  const current = tiles.find((a) => a.id === editing);
  return (
    <Page
      title="Mic wall"
      actions={
        <div className="row">
          <label className="inline">
            View by{' '}
            <select value={view} onChange={(e) => setView(e.target.value as View)}>
              {Object.entries(VIEWS).map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Group{' '}
            <select value={group} onChange={(e) => setGroup(e.target.value)}>
              <option value="">All my groups</option>
              <Options items={groups.data?.items} label={(g) => g.name} />
            </select>
          </label>
          {view === 'board' && group && (
            <button type="button" className="ghost" onClick={() => setArranging(true)}>
              Arrange…
            </button>
          )}
          <button
            type="button"
            className={openCount > 0 ? 'alerts-button has-open' : 'alerts-button'}
            aria-expanded={alertsOpen}
            onClick={() => setAlertsOpen((o) => !o)}
          >
            Alerts{openCount > 0 ? ` (${openCount} open)` : ''}
          </button>
          <label className="inline check" title="A beep when a critical alert is raised">
            <input
              type="checkbox"
              checked={sound}
              onChange={(e) => {
                setSound(e.target.checked);
                localStorage.setItem(SOUND_KEY, e.target.checked ? 'on' : 'off');
                if (e.target.checked) beep();
              }}
            />{' '}
            Sound on critical
          </label>
          <button
            type="button"
            className="ghost"
            aria-label="Keyboard shortcuts"
            onClick={() => setHelp(true)}
          >
            ?
          </button>
        </div>
      }
    >
      <ErrorText>{error || assignments.error || groups.error || reference.error}</ErrorText>
      {tiles.length === 0 && !assignments.loading && (
        <p className="muted">No microphone is assigned in your groups.</p>
      )}
      {byView === 'board' && board.data ? (
        <ul className="wall" aria-label="Arranged board">
          {board.data.slots.map((slot, i) => {
            const a = slot.kind === 'assignment' ? byId.get(slot.assignment_id) : undefined;
            return a ? tileOf(a) : <li key={`spacer-${i}`} className="tile-spacer" aria-hidden="true" />;
          })}
        </ul>
      ) : (
        order.map((name) => (
          <section key={name} className="wall-section" aria-label={`${VIEWS[byView]}: ${name}`}>
            <h2>
              {name} <span className="muted small">({sections.get(name)!.length})</span>
            </h2>
            <ul className="wall">{sections.get(name)!.map(tileOf)}</ul>
          </section>
        ))
      )}
      {history && (
        <Modal label={`History of ${history.name}`} onClose={() => setHistory(null)}>
          <HistoryChart unitId={history.id} name={history.name} onClose={() => setHistory(null)} />
        </Modal>
      )}
      {alertsOpen && (
        <aside className="drawer" aria-label="Alerts">
          <AlertsPanel onClose={() => setAlertsOpen(false)} />
        </aside>
      )}
      {current && (
        <Modal label={`Alerts of ${current.performer.name}`} onClose={() => setEditing(null)}>
          <AssignmentEditor assignment={current} onClose={() => (setEditing(null), assignments.reload())} />
        </Modal>
      )}
      {arranging && board.data && (
        <Modal label="Arrange the board" onClose={() => setArranging(false)}>
          <Arranger
            groupId={group}
            board={board.data}
            onClose={() => {
              setArranging(false);
              board.reload();
            }}
          />
        </Modal>
      )}
      {help && (
        <Modal label="Keyboard shortcuts" onClose={() => setHelp(false)}>
          <h2>Keyboard shortcuts</h2>
          <dl className="shortcuts">
            {SHORTCUTS.map(([key, what]) => (
              <div key={key}>
                <dt>
                  <kbd>{key}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => setHelp(false)}>
            Close
          </button>
        </Modal>
      )}
    </Page>
  );
}

function Tile({
  assignment: a,
  unit: u,
  photo,
  onEdit,
  onHistory,
}: {
  assignment: Assignment;
  unit: Unit | undefined;
  photo: string | null;
  onEdit?: () => void;
  onHistory: () => void;
}) {
  return (
    <li
      className={`tile health-${health(u)}`}
      data-unit={a.wireless_unit.id}
      aria-label={`${a.performer.name} on ${a.wireless_unit.name}`}
    >
      <div className="tile-head">
        {photo ? (
          <img className="performer-photo" src={photo} alt="" />
        ) : (
          <span className="performer-photo initials" aria-hidden="true">
            {initials(a.performer.name)}
          </span>
        )}
        <strong className="grow">{a.performer.name}</strong>
        <span className={`prio prio-${a.priority}`}>{a.priority}</span>
      </div>
      <div className="muted small">
        {a.wireless_unit.name} · {a.monitoring_group.name}
      </div>
      <dl>
        <dt>Battery</dt>
        <dd data-testid="battery">
          <Bars value={u?.battery_bars ?? null} of={5} label="Battery bars" /> {u?.battery ?? '—'}%
          {u?.battery_runtime_minutes != null && (
            <span className="small">
              {' '}
              · {Math.floor(u.battery_runtime_minutes / 60)}h
              {String(u.battery_runtime_minutes % 60).padStart(2, '0')}
            </span>
          )}
        </dd>
        <dt>RF {u?.rf_antenna ?? ''}</dt>
        <dd>
          <meter min={0} max={100} value={u?.rf_signal ?? 0} aria-label="RF signal" /> {u?.rf_signal ?? '—'}%
        </dd>
        <dt>Audio</dt>
        <dd>
          <meter min={0} max={100} low={10} value={u?.audio_level ?? 0} aria-label="Audio level" />{' '}
          {u?.is_muted ? 'muted' : `${u?.audio_level ?? '—'}%`}
        </dd>
      </dl>
      <div className="row">
        <span className="badge">{u?.status ?? '…'}</span>
        <button type="button" className="small ghost" onClick={onHistory}>
          History
        </button>
        {onEdit && (
          <button type="button" className="small ghost" onClick={onEdit}>
            Alerts…
          </button>
        )}
      </div>
    </li>
  );
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

/** Priority and the four alert toggles of one assignment (admins). */
function AssignmentEditor({ assignment, onClose }: { assignment: Assignment; onClose: () => void }) {
  const [error, setError] = useState('');
  async function save(body: Body<'/api/monitoring/assignments/{id}', 'patch'>) {
    try {
      await api.patch('/api/monitoring/assignments/{id}', { path: { id: assignment.id }, body });
      onClose();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <form
      className="card form"
      aria-label={`Alerts of ${assignment.performer.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        void save({
          priority: formText(f, 'priority') as Assignment['priority'],
          alert_on_battery_low: f.get('alert_on_battery_low') === 'on',
          alert_on_signal_loss: f.get('alert_on_signal_loss') === 'on',
          alert_on_audio_low: f.get('alert_on_audio_low') === 'on',
          alert_on_device_offline: f.get('alert_on_device_offline') === 'on',
        });
      }}
    >
      <h2>
        {assignment.performer.name} on {assignment.wireless_unit.name}
      </h2>
      <label>
        Priority
        <select name="priority" defaultValue={assignment.priority}>
          {Object.keys(PRIORITY_ORDER).map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Alert me on</legend>
        {ALERT_TOGGLES.map(([name, label]) => (
          <label key={name} className="check">
            <input type="checkbox" name={name} defaultChecked={assignment[name]} /> {label}
          </label>
        ))}
      </fieldset>
      <ErrorText>{error}</ErrorText>
      <div className="row">
        <button type="submit">Save</button>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A modal dialog over the wall: it opens where the operator is looking; Esc or the backdrop closes it. */
function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="wall-dialog"
      aria-label={label}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => e.target === ref.current && onClose()}
    >
      {children}
    </dialog>
  );
}

/** How many alerts are open (not yet acknowledged), for the button that opens the drawer. */
function useOpenAlertCount(): number {
  const open = useLoad(() => api.get('/api/monitoring/alerts', { query: { state: 'open', limit: 100 } }), []);
  useLiveEvents('monitoring.alert.', () => open.reload());
  return open.data?.items.length ?? 0;
}

/** Open and acknowledged alerts of the units I reach, refreshed by `monitoring.alert.*` events. */
function AlertsPanel({ onClose }: { onClose: () => void }) {
  const [error, setError] = useState('');
  const alerts = useLoad(async () => {
    const [open, acknowledged] = await Promise.all([
      api.get('/api/monitoring/alerts', { query: { state: 'open', limit: 100 } }),
      api.get('/api/monitoring/alerts', { query: { state: 'acknowledged', limit: 50 } }),
    ]);
    return [...open.items, ...acknowledged.items];
  }, []);
  useLiveEvents('monitoring.alert.', () => alerts.reload());
  async function acknowledge(id: string) {
    try {
      await api.post('/api/monitoring/alerts/{id}/acknowledge', { path: { id } });
      alerts.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <section className="card alerts" aria-labelledby="alerts-title">
      <div className="row">
        <h2 id="alerts-title" className="grow">
          Alerts
        </h2>
        <button type="button" className="small ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorText>{error || alerts.error}</ErrorText>
      {alerts.data?.length === 0 && <p className="muted">No open alert.</p>}
      <ul className="plain">
        {alerts.data?.map((a) => (
          <li key={a.id} className={`alert ${a.severity} ${a.state}`} data-testid="alert">
            {/* The colour says how bad the alert is; the performer's priority is written beside it. */}
            <span className={`sev sev-${a.severity}`}>
              {a.severity === 'critical' ? '▲' : '◆'} {a.severity}
            </span>{' '}
            <span className="muted small">{a.priority}</span> <strong>{a.performer.name}</strong> ·{' '}
            {a.unit.name} · {a.message}{' '}
            <span className="muted small">{new Date(a.raised_at).toLocaleTimeString()}</span>{' '}
            {a.state === 'open' ? (
              <button type="button" className="small" onClick={() => void acknowledge(a.id)}>
                Acknowledge
              </button>
            ) : (
              <span className="badge">acknowledged</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
