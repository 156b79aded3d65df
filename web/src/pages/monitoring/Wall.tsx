import { useEffect, useRef, useState, type ReactNode } from 'react';
import { allPages, api, messageOf, type Answer, type Body } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n, useT, type T } from '../../i18n';
import type { Key } from '../../i18n/en';
import { useLiveEvents } from '../../live';
import { ErrorText, Options, Page, useLoad, formText } from '../../ui';
import { HistoryChart } from './History';
import { ALERT_TOGGLES, priorityLabel, severityLabel, unitStatusLabel } from './alerts';
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
  const t = useT();
  const n = value ?? 0;
  const reading = value ?? t('monitoring.wall.unknown');
  return (
    <span className="bars" role="img" aria-label={t('monitoring.wall.bars', { label, value: reading, of })}>
      {Array.from({ length: of }, (_, i) => (
        <span key={i} className={i < n ? 'on' : ''} />
      ))}
    </span>
  );
}

type View = 'board' | 'priority' | 'group' | 'location';
const VIEWS: Record<View, Key> = {
  board: 'monitoring.wall.view.board',
  priority: 'monitoring.wall.view.priority',
  group: 'monitoring.wall.view.group',
  location: 'monitoring.wall.view.location',
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

const SHORTCUTS: [Key, Key][] = [
  ['monitoring.wall.key.digits', 'monitoring.wall.shortcut.nthGroup'],
  ['monitoring.wall.key.zero', 'monitoring.wall.shortcut.allGroups'],
  ['monitoring.wall.key.brackets', 'monitoring.wall.shortcut.previousNext'],
  ['monitoring.wall.key.a', 'monitoring.wall.shortcut.alerts'],
  ['monitoring.wall.key.help', 'monitoring.wall.shortcut.help'],
  ['monitoring.wall.key.escape', 'monitoring.wall.shortcut.close'],
];

/** The live wall: one tile per active assignment, refreshed from `/api/live` without reload. */
export function Wall() {
  const t = useT();
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
  const noLocation = t('monitoring.wall.noLocation');
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
        chassis.map((c) => [c.id, (c.location_id && place.get(c.location_id)) || noLocation]),
      ),
    };
  }, [noLocation]);

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
    return (chassis && reference.data?.locationOfChassis.get(chassis)) || noLocation;
  };
  const sections = new Map<string, Assignment[]>();
  for (const a of tiles) sections.set(sectionOf(a), [...(sections.get(sectionOf(a)) ?? []), a]);
  const order = [...sections.keys()];
  if (byView !== 'priority') order.sort((x, y) => x.localeCompare(y));
  const byId = new Map(tiles.map((a) => [a.id, a]));
  // Priority sections are named by the API's priority words, shown in the viewer's language.
  const sectionTitle = (name: string) =>
    byView === 'board' || byView === 'priority' ? priorityLabel(t, name) : name;
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
      title={t('nav.wall')}
      actions={
        <div className="row">
          <label className="inline">
            {t('monitoring.wall.viewBy')}{' '}
            <select value={view} onChange={(e) => setView(e.target.value as View)}>
              {Object.entries(VIEWS).map(([v, label]) => (
                <option key={v} value={v}>
                  {t(label)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            {t('monitoring.wall.group')}{' '}
            <select value={group} onChange={(e) => setGroup(e.target.value)}>
              <option value="">{t('monitoring.wall.allGroups')}</option>
              <Options items={groups.data?.items} label={(g) => g.name} />
            </select>
          </label>
          {view === 'board' && group && (
            <button type="button" className="ghost" onClick={() => setArranging(true)}>
              {t('monitoring.wall.arrange')}
            </button>
          )}
          <button
            type="button"
            className={openCount > 0 ? 'alerts-button has-open' : 'alerts-button'}
            aria-expanded={alertsOpen}
            onClick={() => setAlertsOpen((o) => !o)}
          >
            {openCount > 0
              ? t('monitoring.wall.alertsOpen', { count: openCount })
              : t('monitoring.wall.alerts')}
          </button>
          <label className="inline check" title={t('monitoring.wall.soundHint')}>
            <input
              type="checkbox"
              checked={sound}
              onChange={(e) => {
                setSound(e.target.checked);
                localStorage.setItem(SOUND_KEY, e.target.checked ? 'on' : 'off');
                if (e.target.checked) beep();
              }}
            />{' '}
            {t('monitoring.wall.sound')}
          </label>
          <button
            type="button"
            className="ghost"
            aria-label={t('monitoring.wall.shortcuts')}
            onClick={() => setHelp(true)}
          >
            ?
          </button>
        </div>
      }
    >
      <ErrorText>{error || assignments.error || groups.error || reference.error}</ErrorText>
      {tiles.length === 0 && !assignments.loading && (
        <p className="muted">{t('monitoring.wall.nothingAssigned')}</p>
      )}
      {byView === 'board' && board.data ? (
        <ul className="wall" aria-label={t('monitoring.wall.arrangedBoard')}>
          {board.data.slots.map((slot, i) => {
            const a = slot.kind === 'assignment' ? byId.get(slot.assignment_id) : undefined;
            return a ? tileOf(a) : <li key={`spacer-${i}`} className="tile-spacer" aria-hidden="true" />;
          })}
        </ul>
      ) : (
        order.map((name) => (
          <section
            key={name}
            className="wall-section"
            aria-label={t('monitoring.wall.section', { view: t(VIEWS[byView]), name: sectionTitle(name) })}
          >
            <h2>
              {sectionTitle(name)} <span className="muted small">({sections.get(name)!.length})</span>
            </h2>
            <ul className="wall">{sections.get(name)!.map(tileOf)}</ul>
          </section>
        ))
      )}
      {history && (
        <Modal
          label={t('monitoring.wall.historyOf', { name: history.name })}
          onClose={() => setHistory(null)}
        >
          <HistoryChart unitId={history.id} name={history.name} onClose={() => setHistory(null)} />
        </Modal>
      )}
      {alertsOpen && (
        <aside className="drawer" aria-label={t('monitoring.wall.alerts')}>
          <AlertsPanel onClose={() => setAlertsOpen(false)} />
        </aside>
      )}
      {current && (
        <Modal
          label={t('monitoring.wall.alertsOf', { name: current.performer.name })}
          onClose={() => setEditing(null)}
        >
          <AssignmentEditor assignment={current} onClose={() => (setEditing(null), assignments.reload())} />
        </Modal>
      )}
      {arranging && board.data && (
        <Modal label={t('monitoring.wall.arrangeBoard')} onClose={() => setArranging(false)}>
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
        <Modal label={t('monitoring.wall.shortcuts')} onClose={() => setHelp(false)}>
          <h2>{t('monitoring.wall.shortcuts')}</h2>
          <dl className="shortcuts">
            {SHORTCUTS.map(([key, what]) => (
              <div key={key}>
                <dt>
                  <kbd>{t(key)}</kbd>
                </dt>
                <dd>{t(what)}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => setHelp(false)}>
            {t('common.close')}
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
  const { t, fmt } = useI18n();
  const percent = (value: number | null | undefined) =>
    value == null ? '—' : fmt.number(value / 100, { style: 'percent' });
  return (
    <li
      className={`tile health-${health(u)}`}
      data-unit={a.wireless_unit.id}
      aria-label={t('monitoring.wall.tile', { performer: a.performer.name, unit: a.wireless_unit.name })}
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
        <span className={`prio prio-${a.priority}`}>{priorityLabel(t, a.priority)}</span>
      </div>
      <div className="muted small">
        {a.wireless_unit.name} · {a.monitoring_group.name}
      </div>
      {(u?.channel_name || u?.tx_type) && (
        <div className="small tile-channel" data-testid="channel">
          {u.channel_name && <span title={t('monitoring.wall.channelName')}>“{u.channel_name}”</span>}
          {u.tx_type && (
            <span className="badge" title={t('monitoring.wall.transmitter')}>
              {t('monitoring.wall.txType', { type: u.tx_type })}
            </span>
          )}
        </div>
      )}
      <dl>
        <dt>{t('monitoring.wall.battery')}</dt>
        <dd data-testid="battery">
          <Bars value={u?.battery_bars ?? null} of={5} label={t('monitoring.wall.batteryBars')} />{' '}
          {percent(u?.battery)}
          {u?.battery_runtime_minutes != null && (
            <span className="small"> · {runtime(t, u.battery_runtime_minutes)}</span>
          )}
        </dd>
        <dt>
          {t('monitoring.wall.rf')} {u?.rf_antenna ?? ''}
        </dt>
        <dd>
          <meter min={0} max={100} value={u?.rf_signal ?? 0} aria-label={t('monitoring.wall.rfSignal')} />{' '}
          {percent(u?.rf_signal)}
        </dd>
        <dt>{t('monitoring.wall.audio')}</dt>
        <dd>
          <meter
            min={0}
            max={100}
            low={10}
            value={u?.audio_level ?? 0}
            aria-label={t('monitoring.wall.audioLevel')}
          />{' '}
          {u?.is_muted ? t('monitoring.wall.muted') : percent(u?.audio_level)}
        </dd>
      </dl>
      <div className="row">
        <span className="badge">{u ? unitStatusLabel(t, u.status) : '…'}</span>
        <button type="button" className="small ghost" onClick={onHistory}>
          {t('monitoring.wall.history')}
        </button>
        {onEdit && (
          <button type="button" className="small ghost" onClick={onEdit}>
            {t('monitoring.wall.editAlerts')}
          </button>
        )}
      </div>
    </li>
  );
}

/** What is left of a battery, as hours and two-digit minutes. */
const runtime = (t: T, minutes: number) =>
  t('monitoring.wall.runtime', {
    hours: Math.floor(minutes / 60),
    minutes: String(minutes % 60).padStart(2, '0'),
  });

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

/** Priority and the four alert toggles of one assignment (admins). */
function AssignmentEditor({ assignment, onClose }: { assignment: Assignment; onClose: () => void }) {
  const t = useT();
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
      aria-label={t('monitoring.wall.alertsOf', { name: assignment.performer.name })}
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
        {t('monitoring.wall.tile', {
          performer: assignment.performer.name,
          unit: assignment.wireless_unit.name,
        })}
      </h2>
      <label>
        {t('monitoring.wall.priority')}
        <select name="priority" defaultValue={assignment.priority}>
          {Object.keys(PRIORITY_ORDER).map((p) => (
            <option key={p} value={p}>
              {priorityLabel(t, p)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('monitoring.wall.alertMeOn')}</legend>
        {ALERT_TOGGLES.map(([name, label]) => (
          <label key={name} className="check">
            <input type="checkbox" name={name} defaultChecked={assignment[name]} /> {t(label)}
          </label>
        ))}
      </fieldset>
      <ErrorText>{error}</ErrorText>
      <div className="row">
        <button type="submit">{t('common.save')}</button>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common.cancel')}
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
  const { t, fmt } = useI18n();
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
          {t('monitoring.wall.alerts')}
        </h2>
        <button type="button" className="small ghost" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <ErrorText>{error || alerts.error}</ErrorText>
      {alerts.data?.length === 0 && <p className="muted">{t('monitoring.wall.noOpenAlert')}</p>}
      <ul className="plain">
        {alerts.data?.map((a) => (
          <li key={a.id} className={`alert ${a.severity} ${a.state}`} data-testid="alert">
            {/* The colour says how bad the alert is; the performer's priority is written beside it. */}
            <span className={`sev sev-${a.severity}`}>
              {a.severity === 'critical' ? '▲' : '◆'} {severityLabel(t, a.severity)}
            </span>{' '}
            <span className="muted small">{priorityLabel(t, a.priority)}</span>{' '}
            <strong>{a.performer.name}</strong> · {a.unit.name} · {a.message}{' '}
            <span className="muted small">{fmt.time(a.raised_at)}</span>{' '}
            {a.state === 'open' ? (
              <button type="button" className="small" onClick={() => void acknowledge(a.id)}>
                {t('monitoring.wall.acknowledge')}
              </button>
            ) : (
              <span className="badge">{t('monitoring.wall.acknowledged')}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
