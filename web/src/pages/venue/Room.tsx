import { useState } from 'react';
import { api, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n } from '../../i18n';
import { useLiveEvents } from '../../live';
import { Link, useSearch } from '../../router';
import { ErrorText, Figures, Page, useLoad, useZone } from '../../ui';
import { unitStatusLabel } from '../monitoring/alerts';

type Overview = Answer<'/api/venue/rooms/{id}', 'get'>;
type Session = NonNullable<Overview['current']>;
type Unit = Answer<'/api/monitoring/units/{id}', 'get'>;

/** Where a room's page lives: `/venue/room?id=<room>`; without an id, the rooms one may open. */
export const ROOM_PAGE = '/venue/room';
export const roomPageHref = (roomId: string) => `${ROOM_PAGE}?id=${encodeURIComponent(roomId)}`;

/**
 * One room at a glance for whoever runs it — its manager during their slot, the event's managers:
 * the session now and next, the door (occupancy, latest scans), the stage's mics (read-only) and
 * the room's screens (state, last screenshot).
 */
export function RoomPage() {
  const id = useSearch().get('id');
  return id ? <RoomOverview id={id} /> : <RoomChooser />;
}

/** The rooms the user may open: every room of the events they manage, the room they hold now. */
function RoomChooser() {
  const { t } = useI18n();
  const { access } = useSession();
  const rooms = useLoad(async () => {
    const found: Array<{ id: string; name: string; event: string }> = [];
    for (const ev of access.events) {
      if (ev.role === 'manager') {
        const list = await api.get('/api/events/events/{id}/rooms', {
          path: { id: ev.id },
          query: { limit: 100 },
        });
        found.push(...list.items.map((r) => ({ id: r.id, name: r.name, event: ev.name })));
      } else if (ev.role === 'gestionnaire_des_salles') {
        const mine = await api.get('/api/events/events/{id}/my-room', { path: { id: ev.id } });
        if (mine.room) found.push({ id: mine.room.id, name: mine.room.name, event: ev.name });
      }
    }
    return found;
  }, [access.events]);
  return (
    <Page title={t('room.title')}>
      <ErrorText>{rooms.error}</ErrorText>
      {rooms.data?.length === 0 && <p>{t('room.none')}</p>}
      <ul>
        {rooms.data?.map((r) => (
          <li key={r.id}>
            <Link href={roomPageHref(r.id)}>{r.name}</Link> <span className="muted small">{r.event}</span>
          </li>
        ))}
      </ul>
    </Page>
  );
}

function RoomOverview({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const overview = useLoad(() => api.get('/api/venue/rooms/{id}', { path: { id } }), [id]);
  // This room's door: its occupancy, and its scans (a denied one moves no count but is listed).
  // Other rooms' door activity, which an event manager also hears, changes nothing here.
  useLiveEvents('events.', (m) => {
    const door = m.type === 'events.room.occupancy' || m.type === 'events.scan.recorded';
    if (door && (m.data as { room_id?: string }).room_id === id) overview.reload();
  });
  const o = overview.data;
  const zone = useZone(o?.room.event.timezone);
  const session = (s: Session | null, none: string) =>
    s ? (
      <p>
        <strong>{s.title}</strong> {s.speaker_name && <span className="muted">· {s.speaker_name}</span>}
        <br />
        <span className="small">{zone.label(`${zone.time(s.start_time)}–${zone.time(s.end_time)}`)}</span>
      </p>
    ) : (
      <p className="muted">{none}</p>
    );
  return (
    <Page title={o ? t('room.titleOf', { room: o.room.name, event: o.room.event.name }) : t('room.title')}>
      <ErrorText>{overview.error}</ErrorText>
      {o && (
        <div className="room-page">
          <section className="card" aria-label={t('room.sessions')} data-testid="room-sessions">
            <h2>{t('room.sessions')}</h2>
            <h3>{t('room.now')}</h3>
            {session(o.current, t('room.noSession'))}
            <h3>{t('room.next')}</h3>
            {session(o.next, t('room.noNext'))}
          </section>
          <section className="card" aria-label={t('room.door')} data-testid="room-door">
            <h2>{t('room.door')}</h2>
            <Figures
              items={[
                {
                  label: t('room.occupancy'),
                  value: `${fmt.number(o.room.occupancy)} / ${fmt.number(o.room.capacity)}`,
                  tone: o.room.occupancy >= o.room.capacity ? 'bad' : undefined,
                },
              ]}
            />
            <h3>{t('room.lastScans')}</h3>
            {o.last_scans.length === 0 ? (
              <p className="muted">{t('room.noScan')}</p>
            ) : (
              <ul className="small">
                {o.last_scans.map((s) => (
                  <li key={s.id}>
                    {zone.time(s.scanned_at)} · {s.participant_name ?? t('room.unknownBadge')} ·{' '}
                    {s.direction === 'in' ? t('room.in') : t('room.out')} ·{' '}
                    {s.status === 'granted' ? t('room.granted') : t('room.denied')}
                    {s.reason && <span className="muted"> ({s.reason})</span>}
                  </li>
                ))}
              </ul>
            )}
            <p>
              <Link href="/events/scanner">{t('room.openScanner')}</Link>
            </p>
          </section>
          <StageMics stage={o.stage} />
          <RoomScreens screens={o.screens} />
        </div>
      )}
    </Page>
  );
}

/** The stage's mics as read-only tiles; live unit events refresh them. */
function StageMics({ stage }: { stage: Overview['stage'] }) {
  const { t, fmt } = useI18n();
  const [fresh, setFresh] = useState<Record<string, Unit>>({});
  // The stage's receivers, then their units: both routes admit the room's manager during the slot.
  const units = useLoad(async () => {
    if (!stage) return [];
    const query = { location_id: stage.location_id, limit: 100 };
    const racks = (await api.get('/api/monitoring/chassis', { query })).items;
    const lists = await Promise.all(
      racks.map((c) => api.get('/api/monitoring/units', { query: { chassis_id: c.id, limit: 100 } })),
    );
    setFresh({});
    return lists.flatMap((l) => l.items);
  }, [stage?.location_id]);
  // A streaming receiver updates its units several times a second: reloading the whole list on each
  // update would cancel every load before it answered, so only the tile that changed is read again.
  useLiveEvents('monitoring.unit.', (m) => {
    if (m.type !== 'monitoring.unit.updated') return units.reload();
    const id = typeof m.data.id === 'string' ? m.data.id : '';
    if (!units.data?.some((u) => u.id === id)) return;
    api.get('/api/monitoring/units/{id}', { path: { id } }).then(
      (u) => setFresh((prev) => ({ ...prev, [u.id]: u })),
      () => undefined,
    );
  });
  const percent = (v: number | null) => (v == null ? '—' : fmt.number(v / 100, { style: 'percent' }));
  return (
    <section className="card" aria-label={t('room.mics')} data-testid="room-mics">
      <h2>{stage ? t('room.micsOf', { stage: stage.name }) : t('room.mics')}</h2>
      <ErrorText>{units.error}</ErrorText>
      {!stage && <p className="muted">{t('room.noStage')}</p>}
      {stage && units.data?.length === 0 && <p className="muted">{t('room.noMic')}</p>}
      <ul className="tiles">
        {units.data
          ?.map((listed) => fresh[listed.id] ?? listed)
          .map((u: Unit) => (
            <li key={u.id} className="tile" data-unit={u.id}>
              <strong>{u.name}</strong>
              <dl>
                <dt>{t('monitoring.wall.battery')}</dt>
                <dd>{percent(u.battery)}</dd>
                <dt>{t('monitoring.wall.rf')}</dt>
                <dd>{percent(u.rf_signal)}</dd>
              </dl>
              <span className="badge">{unitStatusLabel(t, u.status)}</span>
            </li>
          ))}
      </ul>
    </section>
  );
}

/** The room's screens: online or not, last seen, last screenshot (from signage's health route). */
function RoomScreens({ screens }: { screens: Overview['screens'] }) {
  const { t, fmt } = useI18n();
  const health = useLoad(
    () =>
      Promise.all(
        screens.map((s) => api.get('/api/signage/devices/{id}/health', { path: { id: s.device_id } })),
      ),
    [screens.map((s) => s.device_id).join()],
  );
  useLiveEvents('signage.screenshot.taken', () => health.reload());
  const placement = {
    door: t('room.placement.door'),
    in_room: t('room.placement.inRoom'),
    lobby: t('room.placement.lobby'),
  };
  return (
    <section className="card" aria-label={t('room.screens')} data-testid="room-screens">
      <h2>{t('room.screens')}</h2>
      <ErrorText>{health.error}</ErrorText>
      {screens.length === 0 && <p className="muted">{t('room.noScreen')}</p>}
      <ul className="room-screens">
        {screens.map((s, i) => {
          const h = health.data?.[i];
          return (
            <li key={s.device_id}>
              <strong>{s.name}</strong> <span className="muted small">{placement[s.placement]}</span>
              <br />
              {h && (
                <span className="small">
                  {h.is_online ? t('signage.online') : t('signage.offline')} ·{' '}
                  {h.last_seen ? fmt.dateTime(h.last_seen) : t('signage.never')}
                </span>
              )}
              {h?.screenshot && (
                <figure className="screenshot">
                  <img src={h.screenshot.url} alt={t('screenHealth.screenshotAlt')} />
                  <figcaption>
                    {t('screenHealth.takenAt', { time: fmt.dateTime(h.screenshot.taken_at) })}
                  </figcaption>
                </figure>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
