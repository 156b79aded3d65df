import type { ReactNode } from 'react';
import { api, type Answer } from '../../api/client';
import type { Access } from '../../auth';
import { useI18n } from '../../i18n';
import type { Key } from '../../i18n/en';
import { audienceLabel, eventRoleLabel, sessionStatusLabel } from '../../i18n/labels';
import { useLiveEvents } from '../../live';
import { Link } from '../../router';
import { Figures, useLoad, useZone, type Figure } from '../../ui';
import { roomPageHref } from '../venue/Room';
import { HomeCard } from './Card';

type MyEventRole = Access['events'][number];
type MyRoom = Answer<'/api/events/events/{id}/my-room', 'get'>;

/** One event the person takes part in, shown for their role in it. */
export function MyEvent({ event }: { event: MyEventRole }) {
  switch (event.role) {
    case 'gestionnaire_des_salles':
      return <HeldRoom event={event} />;
    case 'controlleur_des_badges':
      return <MyDoor event={event} />;
    case 'participant':
      return <MyBadge event={event} />;
    case 'exposant':
      return <MyStand event={event} />;
    case 'manager':
      return <ManagedEvent event={event} />;
  }
}

function useEventTitle(event: MyEventRole) {
  const { t } = useI18n();
  return { title: event.name, subtitle: eventRoleLabel(t, event.role) };
}

/** The session on now in a room, else the next one to start. */
function currentSession<S extends { status: string; start_time: string }>(sessions: S[]): S | undefined {
  return (
    sessions.find((s) => s.status === 'en_cours') ??
    sessions
      .filter((s) => s.status === 'pas_encore')
      .sort((a, b) => a.start_time.localeCompare(b.start_time))[0]
  );
}

/**
 * The room a staff member holds now (`none` when they hold none): until when, its occupancy
 * (`crowded` when a full room is news) and the role's own `figures` and `children`.
 */
function RoomHeldNow({
  event,
  mine,
  holding,
  none,
  crowded,
  figures,
  children,
}: {
  event: MyEventRole;
  mine: MyRoom | undefined;
  holding: Key;
  none: Key;
  crowded?: boolean;
  figures: Figure[];
  children?: ReactNode;
}) {
  const { t, fmt } = useI18n();
  const zone = useZone(event.timezone);
  if (mine && !mine.room) return <p>{t(none)}</p>;
  if (!mine?.room || !mine.assignment) return null;
  const { room } = mine;
  return (
    <>
      <p>{t(holding, { room: room.name, until: zone.label(zone.time(mine.assignment.end_time)) })}</p>
      <Figures
        items={[
          {
            label: t('home.room.occupancy'),
            value: `${fmt.number(room.current_occupancy)} / ${fmt.number(room.capacity)}`,
            tone: crowded && room.current_occupancy >= room.capacity ? 'bad' : undefined,
          },
          ...figures,
        ]}
      />
      {children}
    </>
  );
}

/** A room manager: the room they hold now, its session, its occupancy and the questions to answer. */
function HeldRoom({ event }: { event: MyEventRole }) {
  const { t, fmt } = useI18n();
  const zone = useZone(event.timezone);
  const held = useLoad(async () => {
    const mine = await api.get('/api/events/events/{id}/my-room', { path: { id: event.id } });
    if (!mine.room) return { mine, session: undefined, waiting: 0 };
    const sessions = await api.get('/api/events/events/{id}/sessions', {
      path: { id: event.id },
      query: { room_id: mine.room.id, limit: 100 },
    });
    const session = currentSession(sessions.items);
    const questions = session
      ? await api.get('/api/events/events/{id}/questions', {
          path: { id: event.id },
          query: { session_id: session.id, answered: 'false', limit: 100 },
        })
      : undefined;
    return { mine, session, waiting: questions?.items.length ?? 0 };
  }, [event.id]);
  useLiveEvents('events.room.', () => held.reload());
  useLiveEvents('events.question.', () => held.reload());
  const { mine, session, waiting } = held.data ?? {};
  return (
    <HomeCard
      {...useEventTitle(event)}
      error={held.error}
      loading={held.loading && !held.data}
      link={{ href: '/events/questions', label: t('home.room.questions') }}
    >
      <RoomHeldNow
        event={event}
        mine={mine}
        holding="home.room.holding"
        none="home.room.none"
        crowded
        figures={[{ label: t('home.room.waiting'), value: fmt.number(waiting ?? 0) }]}
      >
        <p className="small">
          {session
            ? t('home.room.session', {
                title: session.title,
                status: sessionStatusLabel(t, session.status),
                when: zone.range(session.start_time, session.end_time),
              })
            : t('home.room.noSession')}
        </p>
        {mine?.room && (
          <p className="home-link">
            <Link href={roomPageHref(mine.room.id)}>{t('room.open')}</Link>
          </p>
        )}
      </RoomHeldNow>
    </HomeCard>
  );
}

/** A badge controller: the door they hold now, its occupancy and today's verdicts. */
function MyDoor({ event }: { event: MyEventRole }) {
  const { t, fmt } = useI18n();
  const door = useLoad(async () => {
    const mine = await api.get('/api/events/events/{id}/my-room', { path: { id: event.id } });
    const stats = mine.room
      ? await api.get('/api/events/events/{id}/stats/scans', { path: { id: event.id } })
      : undefined;
    return { mine, stats };
  }, [event.id]);
  useLiveEvents('events.room.', () => door.reload());
  const { mine, stats } = door.data ?? {};
  return (
    <HomeCard
      {...useEventTitle(event)}
      error={door.error}
      loading={door.loading && !door.data}
      link={{ href: '/events/scanner', label: t('home.door.openScanner') }}
    >
      <RoomHeldNow
        event={event}
        mine={mine}
        holding="home.door.holding"
        none="home.door.none"
        figures={[
          { label: t('home.door.granted'), value: fmt.number(stats?.granted ?? 0), tone: 'ok' },
          { label: t('home.door.denied'), value: fmt.number(stats?.denied ?? 0) },
        ]}
      />
    </HomeCard>
  );
}

/** Sessions and announcements a participant sees first. */
const UPCOMING_SHOWN = 3;

/** A participant: their badge, the sessions on now or next, the latest announcements. */
function MyBadge({ event }: { event: MyEventRole }) {
  const { t } = useI18n();
  const zone = useZone(event.timezone);
  const data = useLoad(async () => {
    const [badges, sessions, news] = await Promise.all([
      api.get('/api/events/events/{id}/participants', { path: { id: event.id }, query: { limit: 1 } }),
      api.get('/api/events/events/{id}/sessions', { path: { id: event.id }, query: { limit: 100 } }),
      api.get('/api/events/events/{id}/annonces', {
        path: { id: event.id },
        query: { limit: UPCOMING_SHOWN },
      }),
    ]);
    const upcoming = sessions.items
      .filter((s) => s.status !== 'termine')
      .sort((a, b) => a.start_time.localeCompare(b.start_time))
      .slice(0, UPCOMING_SHOWN);
    return { badge: badges.items[0], upcoming, news: news.items };
  }, [event.id]);
  useLiveEvents('events.annonce.', () => data.reload());
  useLiveEvents('events.participant.', () => data.reload());
  const d = data.data;
  return (
    <HomeCard
      {...useEventTitle(event)}
      error={data.error}
      loading={data.loading && !d}
      link={{ href: '/events/badges', label: t('home.badge.open') }}
    >
      {d?.badge && (
        <p>
          {t('home.badge.id', { badge: d.badge.badge_id })} ·{' '}
          {d.badge.is_checked_in ? t('home.badge.checkedIn') : t('home.badge.notCheckedIn')}
        </p>
      )}
      <h3>{t('home.badge.sessions')}</h3>
      {d?.upcoming.length === 0 ? (
        <p className="muted small">{t('timetable.noSession')}</p>
      ) : (
        <ul className="plain small">
          {d?.upcoming.map((s) => (
            <li key={s.id}>
              <strong>{s.title}</strong> · {zone.range(s.start_time, s.end_time)} ·{' '}
              {sessionStatusLabel(t, s.status)}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('nav.announcements')}</h3>
      {d?.news.length === 0 ? (
        <p className="muted small">{t('announce.none')}</p>
      ) : (
        <ul className="plain small">
          {d?.news.map((a) => (
            <li key={a.id}>
              <strong>{a.title}</strong> <span className="muted">({audienceLabel(t, a.target)})</span>
              {a.description && <> — {a.description}</>}
            </li>
          ))}
        </ul>
      )}
    </HomeCard>
  );
}

/** An exhibitor: their stand's visits (today on the event's clock), visitors and rated leads. */
function MyStand({ event }: { event: MyEventRole }) {
  const { t, fmt } = useI18n();
  const stats = useLoad(
    () => api.get('/api/events/events/{id}/exposant-scans/stats', { path: { id: event.id } }),
    [event.id],
  );
  useLiveEvents('events.scan.', () => stats.reload());
  const s = stats.data;
  return (
    <HomeCard
      {...useEventTitle(event)}
      error={stats.error}
      loading={stats.loading && !s}
      link={{ href: '/events/stand', label: t('home.stand.open') }}
    >
      {s && (
        <Figures
          items={[
            { label: t('home.stand.today', { zone: s.timezone }), value: fmt.number(s.today_visits) },
            { label: t('home.stand.total'), value: fmt.number(s.total_visits) },
            { label: t('home.stand.unique'), value: fmt.number(s.unique_visitors) },
            { label: t('home.stand.rated'), value: fmt.number(s.rated_leads) },
          ]}
        />
      )}
    </HomeCard>
  );
}

/** An event manager: check-ins and the rooms' occupancy. */
function ManagedEvent({ event }: { event: MyEventRole }) {
  const { t, fmt } = useI18n();
  const stats = useLoad(
    () => api.get('/api/events/events/{id}/stats', { path: { id: event.id } }),
    [event.id],
  );
  useLiveEvents('events.room.', () => stats.reload());
  useLiveEvents('events.participant.', () => stats.reload());
  const s = stats.data;
  const full = s?.rooms.filter((r) => r.current_occupancy >= r.capacity).length ?? 0;
  return (
    <HomeCard
      {...useEventTitle(event)}
      error={stats.error}
      loading={stats.loading && !s}
      link={{ href: '/events/manage', label: t('home.event.manage') }}
    >
      {s && (
        <Figures
          items={[
            {
              label: t('home.event.checkedIn'),
              value: `${fmt.number(s.badges.checked_in)} / ${fmt.number(s.badges.total)}`,
            },
            { label: t('home.event.rooms'), value: fmt.number(s.rooms.length) },
            { label: t('home.event.fullRooms'), value: fmt.number(full), tone: full ? 'bad' : undefined },
          ]}
        />
      )}
    </HomeCard>
  );
}
