import { useRef, useState, type FormEvent } from 'react';
import { allPages, api, ApiError, type Answer } from '../../api/client';
import { useT, type T } from '../../i18n';
import type { Key } from '../../i18n/en';
import { problemMessage } from '../../i18n/errors';
import {
  ErrorText,
  Field,
  fromZonedInput,
  Options,
  Page,
  toZonedInput,
  useLoad,
  useSubmit,
  useZone,
  ZoneNote,
  formText,
} from '../../ui';
import { useEventChoice } from './common';

type Slot = Answer<'/api/events/events/{id}/room-assignments', 'get'>['items'][number];
type StaffRole = Slot['role'];

const ROLE_KEY: Record<StaffRole, Key> = {
  gestionnaire_des_salles: 'eventRole.gestionnaire_des_salles',
  controlleur_des_badges: 'eventRole.controlleur_des_badges',
};
const roleLabel = (t: T, role: StaffRole) => t(ROLE_KEY[role]);
const HOUR = 3_600_000;

/** Morning 08:00–13:00 and evening 13:00–20:00 of a day, on the event's clock. */
function preset(day: string, part: 'morning' | 'evening'): [string, string] {
  const [from, to] = part === 'morning' ? ['08:00', '13:00'] : ['13:00', '20:00'];
  return [`${day}T${from}`, `${day}T${to}`];
}

/** Event managers: who holds which room when, one timeline per room, and new slots. */
export function RoomSlots() {
  const { event, picker } = useEventChoice(['manager']);
  const t = useT();
  const data = useLoad(async () => {
    if (!event) return null;
    const [ev, rooms, slots, staff, users] = await Promise.all([
      api.get('/api/events/events/{id}', { path: { id: event.id } }),
      allPages((cursor) =>
        api.get('/api/events/events/{id}/rooms', { path: { id: event.id }, query: { limit: 200, cursor } }),
      ),
      allPages((cursor) =>
        api.get('/api/events/events/{id}/room-assignments', {
          path: { id: event.id },
          query: { limit: 200, cursor },
        }),
      ),
      allPages((cursor) =>
        api.get('/api/events/events/{id}/assignments', {
          path: { id: event.id },
          query: { limit: 200, cursor },
        }),
      ),
      // Names only: a manager who may not list org users still sees the slots, by user number.
      api.get('/api/auth/users', { query: { limit: 200 } }).then(
        (p) => p.items,
        () => [],
      ),
    ]);
    const names = new Map(users.map((u) => [u.id, u.full_name || u.username]));
    return {
      event: ev,
      rooms,
      slots: slots.filter((s) => s.is_active),
      staff: staff.filter(
        (a): a is typeof a & { role: StaffRole } =>
          a.role === 'gestionnaire_des_salles' || a.role === 'controlleur_des_badges',
      ),
      name: (id: number) => names.get(id) ?? t('slots.userNumber', { id }),
    };
  }, [event?.id]);
  const [remove, setRemove] = useState('');
  const z = useZone(data.data?.event.timezone ?? event?.timezone);
  if (!event) return <Page title={t('nav.slots')}>{t('events.manageNone')}</Page>;
  const removeSlot = async (slotId: string) => {
    setRemove('');
    try {
      await api.del('/api/events/events/{id}/room-assignments/{slotId}', { path: { id: event.id, slotId } });
      data.reload();
    } catch (err) {
      setRemove(problemMessage(t, err));
    }
  };
  const d = data.data;
  // The timeline spans the slots themselves (whole hours), or the event when there is none.
  const times = d?.slots.flatMap((s) => [Date.parse(s.start_time), Date.parse(s.end_time)]) ?? [];
  const from =
    Math.floor((times.length ? Math.min(...times) : Date.parse(d?.event.start_date ?? '')) / HOUR) * HOUR;
  const to =
    Math.ceil((times.length ? Math.max(...times) : Date.parse(d?.event.end_date ?? '')) / HOUR) * HOUR;
  const span = Math.max(to - from, HOUR);
  const pct = (t: number) => `${(((t - from) / span) * 100).toFixed(3)}%`;
  const ticks = Array.from({ length: Math.floor(span / (6 * HOUR)) + 1 }, (_, i) => from + i * 6 * HOUR);
  return (
    <Page title={t('slots.titleOf', { name: event.name })} actions={picker}>
      <ErrorText>{data.error || remove}</ErrorText>
      {d && (
        <>
          <SlotForm
            eventId={event.id}
            rooms={d.rooms}
            staff={d.staff.map((s) => ({ ...s, name: d.name(s.user_id) }))}
            slots={d.slots}
            zone={z.zone}
            defaultDay={toZonedInput(new Date().toISOString(), z.zone).slice(0, 10)}
            onCreated={data.reload}
          />
          <section className="card" aria-labelledby="slots-title">
            <h2 id="slots-title">{t('slots.timeline')}</h2>
            <p className="muted small">
              {t('slots.span', { from: z.dateTime(from), to: z.dateTime(to) })} {t('slots.backToBack')}
            </p>
            <ZoneNote zone={z.zone} />
            <div className="slot-axis" aria-hidden="true">
              {ticks.map((tick) => (
                <span key={tick} style={{ left: pct(tick) }}>
                  {z.time(tick)}
                </span>
              ))}
            </div>
            {d.rooms.map((room) => {
              const slots = d.slots
                .filter((s) => s.room_id === room.id)
                .sort((a, b) => a.start_time.localeCompare(b.start_time));
              return (
                <div
                  key={room.id}
                  className="slot-row"
                  role="group"
                  aria-label={t('slots.ofRoom', { name: room.name })}
                >
                  <strong className="slot-room">{room.name}</strong>
                  <ol className="slot-track">
                    {slots.length === 0 && <li className="muted small slot-empty">{t('slots.nobody')}</li>}
                    {slots.map((s) => {
                      const who = d.name(s.user_id);
                      const starts = Date.parse(s.start_time);
                      const since = z.dateTime(s.start_time);
                      const hours = `${z.time(s.start_time)}–${z.time(s.end_time)}`;
                      return (
                        <li
                          key={s.id}
                          className={`slot-block role-${s.role}`}
                          style={{
                            left: pct(starts),
                            width: `calc(${pct(Date.parse(s.end_time))} - ${pct(starts)})`,
                          }}
                          title={`${who} · ${roleLabel(t, s.role)} · ${z.range(s.start_time, s.end_time)}`}
                        >
                          <span className="slot-who">{who}</span>
                          <span className="small">
                            {roleLabel(t, s.role)} · {hours}
                          </span>
                          <button
                            type="button"
                            className="link small"
                            aria-label={t('slots.removeLabel', { who, room: room.name, since })}
                            onClick={() => void removeSlot(s.id)}
                          >
                            {t('slots.remove')}
                          </button>
                        </li>
                      );
                    })}
                  </ol>
                </div>
              );
            })}
          </section>
        </>
      )}
    </Page>
  );
}

function SlotForm({
  eventId,
  rooms,
  staff,
  slots,
  zone,
  defaultDay,
  onCreated,
}: {
  eventId: string;
  rooms: Array<{ id: string; name: string }>;
  staff: Array<{ user_id: number; role: StaffRole; name: string }>;
  slots: Slot[];
  zone: string;
  defaultDay: string;
  onCreated: () => void;
}) {
  const form = useSubmit();
  const t = useT();
  const z = useZone(zone);
  const [conflict, setConflictState] = useState('');
  // The refusal is known inside the submit, before the state shows it.
  const conflictRef = useRef('');
  const setConflict = (text: string) => {
    conflictRef.current = text;
    setConflictState(text);
  };
  const [created, setCreated] = useState('');
  const [start, setStart] = useState(preset(defaultDay, 'morning')[0]);
  const [end, setEnd] = useState(preset(defaultDay, 'morning')[1]);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setConflict('');
    setCreated('');
    const f = new FormData(e.currentTarget);
    const user = staff.find((s) => String(s.user_id) === f.get('user_id'));
    const room = rooms.find((r) => r.id === f.get('room_id'));
    const ok = await form.run(async () => {
      try {
        await api.post('/api/events/events/{id}/room-assignments', {
          path: { id: eventId },
          body: {
            user_id: Number(f.get('user_id')),
            room_id: formText(f, 'room_id'),
            role: user?.role ?? 'controlleur_des_badges',
            start_time: fromZonedInput(start, zone),
            end_time: fromZonedInput(end, zone),
          },
        });
      } catch (err) {
        // One person is in one room at a time: say plainly which slot is in the way, by its room
        // and hours on the event's clock (the API's answer names neither in words).
        if (err instanceof ApiError && err.status === 409) {
          const from = Date.parse(fromZonedInput(start, zone));
          const to = Date.parse(fromZonedInput(end, zone));
          const clash = slots.find(
            (s) =>
              String(s.user_id) === f.get('user_id') &&
              Date.parse(s.start_time) < to &&
              Date.parse(s.end_time) > from,
          );
          const clashRoom = rooms.find((r) => r.id === clash?.room_id)?.name;
          setConflict(
            clash && clashRoom
              ? t('slots.conflictWith', {
                  who: user?.name ?? '',
                  room: clashRoom,
                  when: z.range(clash.start_time, clash.end_time),
                })
              : t('slots.conflict', { who: user?.name ?? '' }),
          );
          return;
        }
        throw err;
      }
    });
    if (ok && !conflictRef.current) {
      const hours = z.range(fromZonedInput(start, zone), fromZonedInput(end, zone));
      setCreated(t('slots.created', { who: user?.name ?? '', room: room?.name ?? '', hours }));
      onCreated();
    }
  }
  const day = start.slice(0, 10) || defaultDay;
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label={t('slots.new')} noValidate>
      <h2>{t('slots.new')}</h2>
      {staff.length === 0 && <p className="muted">{t('slots.noStaff')}</p>}
      <div className="grid2">
        <Field label={t('slots.staff')} name="user_id" errors={form.fields}>
          <select>
            {staff.map((s) => (
              <option key={s.user_id} value={s.user_id}>
                {s.name} ({roleLabel(t, s.role)})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('common.room')} name="room_id" errors={form.fields}>
          <select>
            <Options items={rooms} label={(r) => r.name} />
          </select>
        </Field>
        <Field label={t('slots.from', { zone })} name="start_time" errors={form.fields}>
          <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </Field>
        <Field label={t('slots.until', { zone })} name="end_time" errors={form.fields}>
          <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
        </Field>
      </div>
      <div className="row wrap">
        {(['morning', 'evening'] as const).map((part) => (
          <button
            key={part}
            type="button"
            className="small ghost"
            onClick={() => {
              const [a, b] = preset(day, part);
              setStart(a);
              setEnd(b);
            }}
          >
            {part === 'morning' ? t('slots.morning') : t('slots.evening')}
          </button>
        ))}
      </div>
      {conflict && (
        <div className="conflict" role="alert" data-testid="slot-conflict">
          <strong>{t('slots.overlap')}</strong> {conflict}
        </div>
      )}
      {!conflict && <ErrorText>{form.error}</ErrorText>}
      <div className="row">
        <button type="submit" disabled={form.busy || staff.length === 0}>
          {t('slots.add')}
        </button>
        {created && (
          <span role="status" className="ok">
            {created}
          </span>
        )}
      </div>
    </form>
  );
}
