import { useState, type FormEvent } from 'react';
import { allPages, api, ApiError, type Answer } from '../../api/client';
import {
  ErrorText,
  Field,
  fmtDateTime,
  fmtTime,
  fromLocalInput,
  Options,
  Page,
  toLocalInput,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { useEventChoice } from './common';

type Slot = Answer<'/api/events/events/{id}/room-assignments', 'get'>['items'][number];
type StaffRole = Slot['role'];

const ROLE_LABEL: Record<StaffRole, string> = {
  gestionnaire_des_salles: 'room manager',
  controlleur_des_badges: 'badge controller',
};
const HOUR = 3_600_000;

/** Morning 08:00–13:00 and evening 13:00–20:00 of a day, in the browser's time zone. */
function preset(day: string, part: 'morning' | 'evening'): [string, string] {
  const [from, to] = part === 'morning' ? ['08:00', '13:00'] : ['13:00', '20:00'];
  return [`${day}T${from}`, `${day}T${to}`];
}

/** Event managers: who holds which room when, one timeline per room, and new slots. */
export function RoomSlots() {
  const { event, picker } = useEventChoice(['manager']);
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
      name: (id: number) => names.get(id) ?? `User #${id}`,
    };
  }, [event?.id]);
  const [remove, setRemove] = useState('');
  if (!event) return <Page title="Room slots">You manage no event.</Page>;
  const removeSlot = async (slotId: string) => {
    setRemove('');
    try {
      await api.del('/api/events/events/{id}/room-assignments/{slotId}', { path: { id: event.id, slotId } });
      data.reload();
    } catch (err) {
      setRemove(err instanceof Error ? err.message : String(err));
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
    <Page title={`Room slots — ${event.name}`} actions={picker}>
      <ErrorText>{data.error || remove}</ErrorText>
      {d && (
        <>
          <SlotForm
            eventId={event.id}
            rooms={d.rooms}
            staff={d.staff.map((s) => ({ ...s, name: d.name(s.user_id) }))}
            defaultDay={toLocalInput(new Date().toISOString()).slice(0, 10)}
            onCreated={data.reload}
          />
          <section className="card" aria-labelledby="slots-title">
            <h2 id="slots-title">Timeline</h2>
            <p className="muted small">
              {fmtDateTime(new Date(from).toISOString())} → {fmtDateTime(new Date(to).toISOString())}; slots
              are [start, end): 08:00–13:00 and 13:00–20:00 do not overlap.
            </p>
            <div className="slot-axis" aria-hidden="true">
              {ticks.map((t) => (
                <span key={t} style={{ left: pct(t) }}>
                  {fmtTime(new Date(t).toISOString())}
                </span>
              ))}
            </div>
            {d.rooms.map((room) => {
              const slots = d.slots
                .filter((s) => s.room_id === room.id)
                .sort((a, b) => a.start_time.localeCompare(b.start_time));
              return (
                <div key={room.id} className="slot-row" role="group" aria-label={`Slots of ${room.name}`}>
                  <strong className="slot-room">{room.name}</strong>
                  <ol className="slot-track">
                    {slots.length === 0 && <li className="muted small slot-empty">nobody</li>}
                    {slots.map((s) => {
                      const who = d.name(s.user_id);
                      const starts = Date.parse(s.start_time);
                      const since = fmtDateTime(s.start_time);
                      return (
                        <li
                          key={s.id}
                          className={`slot-block role-${s.role}`}
                          style={{
                            left: pct(starts),
                            width: `calc(${pct(Date.parse(s.end_time))} - ${pct(starts)})`,
                          }}
                          title={`${who} · ${ROLE_LABEL[s.role]} · ${since}–${fmtTime(s.end_time)}`}
                        >
                          <span className="slot-who">{who}</span>
                          <span className="small">
                            {ROLE_LABEL[s.role]} · {fmtTime(s.start_time)}–{fmtTime(s.end_time)}
                          </span>
                          <button
                            type="button"
                            className="link small"
                            aria-label={`Remove the slot of ${who} in ${room.name} from ${since}`}
                            onClick={() => void removeSlot(s.id)}
                          >
                            remove
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
  defaultDay,
  onCreated,
}: {
  eventId: string;
  rooms: Array<{ id: string; name: string }>;
  staff: Array<{ user_id: number; role: StaffRole; name: string }>;
  defaultDay: string;
  onCreated: () => void;
}) {
  const form = useSubmit();
  const [conflict, setConflict] = useState('');
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
            start_time: fromLocalInput(start),
            end_time: fromLocalInput(end),
          },
        });
      } catch (err) {
        // One person is in one room at a time: say plainly which slot is in the way.
        if (err instanceof ApiError && err.status === 409) {
          setConflict(err.detail || err.title);
          return Promise.reject(new Error('Not saved: this slot overlaps another one of the same person.'));
        }
        throw err;
      }
    });
    if (ok) {
      const hours = `${fmtDateTime(fromLocalInput(start))}–${fmtTime(fromLocalInput(end))}`;
      setCreated(`${user?.name} holds ${room?.name} ${hours}`);
      onCreated();
    }
  }
  const day = start.slice(0, 10) || defaultDay;
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="New room slot" noValidate>
      <h2>New room slot</h2>
      {staff.length === 0 && (
        <p className="muted">Give someone the role room manager or badge controller in this event first.</p>
      )}
      <div className="grid2">
        <Field label="Staff member" name="user_id" errors={form.fields}>
          <select>
            {staff.map((s) => (
              <option key={s.user_id} value={s.user_id}>
                {s.name} ({ROLE_LABEL[s.role]})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Room" name="room_id" errors={form.fields}>
          <select>
            <Options items={rooms} label={(r) => r.name} />
          </select>
        </Field>
        <Field label="From" name="start_time" errors={form.fields}>
          <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </Field>
        <Field label="Until" name="end_time" errors={form.fields}>
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
            {part === 'morning' ? 'Morning 08:00–13:00' : 'Evening 13:00–20:00'}
          </button>
        ))}
      </div>
      {conflict && (
        <div className="conflict" role="alert" data-testid="slot-conflict">
          <strong>Overlap — not saved.</strong> {conflict}
        </div>
      )}
      {!conflict && <ErrorText>{form.error}</ErrorText>}
      <div className="row">
        <button type="submit" disabled={form.busy || staff.length === 0}>
          Add slot
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
