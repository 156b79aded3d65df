import { useState, type FormEvent, type ReactNode } from 'react';
import { allPages, api, type Answer, type Body } from '../../api/client';
import { useSession } from '../../auth';
import {
  ErrorText,
  StatusText,
  Field,
  fmtDateTime,
  FormActions,
  fromLocalInput,
  Options,
  Page,
  Table,
  toLocalInput,
  useConfirm,
  useItemResults,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { useEventChoice } from './common';

type Event = Answer<'/api/events/events/{id}', 'get'>;
type Room = Answer<'/api/events/events/{id}/rooms', 'get'>['items'][number];
type Session = Answer<'/api/events/events/{id}/sessions', 'get'>['items'][number];

const text = (f: FormData, k: string) => formText(f, k).trim();

/** Event managers: the event itself, its rooms and its sessions, each created and edited in place. */
export function ManageEvents() {
  const { refresh } = useSession();
  const { event, picker } = useEventChoice(['manager']);
  const [creating, setCreating] = useState(false);
  const confirm = useConfirm();
  const results = useItemResults();
  const [deleted, setDeleted] = useState('');
  async function deleteEvent(e: Event) {
    const ok = await confirm.ask({
      title: `Delete the event ${e.name}?`,
      message: (
        <p>
          Its rooms, sessions, roles and badges stop being usable; the event is kept in the records (soft
          delete) but disappears from every list.
        </p>
      ),
      confirmLabel: 'Delete event',
    });
    if (!ok) return;
    if (await results.run(e.id, () => api.del('/api/events/events/{id}', { path: { id: e.id } }))) {
      setDeleted(`Event ${e.name} deleted`);
      await refresh();
    }
  }
  const details = useLoad(
    () => (event ? api.get('/api/events/events/{id}', { path: { id: event.id } }) : Promise.resolve(null)),
    [event?.id],
  );
  // Right after another event is picked, the loaded details are still the previous event's: its
  // form and its Delete button must not be offered for the one now chosen.
  const shown = details.data && details.data.id === event?.id ? details.data : undefined;
  return (
    <Page
      title={event && !creating ? `Manage — ${event.name}` : 'Manage events'}
      actions={
        <div className="row">
          {!creating && picker}
          <button
            type="button"
            className="ghost"
            onClick={() => setCreating((c) => !c)}
            aria-expanded={creating}
          >
            {creating ? 'Back to the event' : 'New event'}
          </button>
        </div>
      }
    >
      {confirm.dialog}
      <StatusText>{deleted}</StatusText>
      {creating || !event ? (
        <EventForm
          onSaved={async () => {
            setCreating(false);
            await refresh();
          }}
        />
      ) : (
        <>
          <ErrorText>{details.error}</ErrorText>
          {shown && <EventForm key={shown.updated_at} event={shown} onSaved={() => details.reload()} />}
          {shown && (
            <div className="item-actions">
              <button type="button" className="danger-ghost" onClick={() => void deleteEvent(shown)}>
                Delete event
              </button>
              {results.show(shown.id)}
            </div>
          )}
          <RoomsAndSessions eventId={event.id} />
        </>
      )}
    </Page>
  );
}

function EventForm({ event, onSaved }: { event?: Event; onSaved: () => void | Promise<void> }) {
  const form = useSubmit();
  const [saved, setSaved] = useState('');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved('');
    const f = new FormData(e.currentTarget);
    const body: Body<'/api/events/events', 'post'> = {
      name: text(f, 'name'),
      description: text(f, 'description'),
      location: text(f, 'location'),
      start_date: fromLocalInput(f.get('start_date')),
      end_date: fromLocalInput(f.get('end_date')),
      timezone: text(f, 'timezone'),
      status: text(f, 'status') as Event['status'],
    };
    const ok = await form.run(() =>
      event
        ? api.patch('/api/events/events/{id}', { path: { id: event.id }, body })
        : api.post('/api/events/events', { body }),
    );
    if (ok) {
      setSaved(event ? 'Event saved' : `Event ${body.name} created`);
      await onSaved();
    }
  }
  return (
    <form
      className="card form"
      onSubmit={(e) => void submit(e)}
      aria-label={event ? 'Event details' : 'New event'}
      noValidate
    >
      <h2>{event ? 'Event' : 'New event'}</h2>
      <div className="grid2">
        <Field label="Event name" name="name" errors={form.fields}>
          <input defaultValue={event?.name} required />
        </Field>
        <Field label="Location" name="location" errors={form.fields}>
          <input defaultValue={event?.location} />
        </Field>
        <Field label="Starts" name="start_date" errors={form.fields}>
          <input type="datetime-local" defaultValue={toLocalInput(event?.start_date)} required />
        </Field>
        <Field label="Ends" name="end_date" errors={form.fields}>
          <input type="datetime-local" defaultValue={toLocalInput(event?.end_date)} required />
        </Field>
        <Field label="Time zone" name="timezone" errors={form.fields} hint="IANA name, e.g. Europe/Paris">
          <input defaultValue={event?.timezone ?? 'Europe/Paris'} />
        </Field>
        <Field label="Status" name="status" errors={form.fields}>
          <select defaultValue={event?.status ?? 'draft'}>
            <option value="draft">draft</option>
            <option value="published">published</option>
            <option value="cancelled">cancelled</option>
          </select>
        </Field>
      </div>
      <Field label="Description" name="description" errors={form.fields}>
        <textarea defaultValue={event?.description} rows={2} />
      </Field>
      <FormActions form={form} submit={event ? 'Save event' : 'Create event'} status={saved} />
    </form>
  );
}

function RoomsAndSessions({ eventId }: { eventId: string }) {
  const data = useLoad(async () => {
    const [rooms, sessions] = await Promise.all([
      allPages((cursor) =>
        api.get('/api/events/events/{id}/rooms', { path: { id: eventId }, query: { limit: 200, cursor } }),
      ),
      allPages((cursor) =>
        api.get('/api/events/events/{id}/sessions', { path: { id: eventId }, query: { limit: 200, cursor } }),
      ),
    ]);
    return { rooms, sessions: sessions.sort((a, b) => a.start_time.localeCompare(b.start_time)) };
  }, [eventId]);
  const [room, setRoom] = useState<Room | 'new' | null>(null);
  const [session, setSession] = useState<Session | 'new' | null>(null);
  const confirm = useConfirm();
  const results = useItemResults();
  async function deleteRoom(r: Room) {
    const count = data.data?.sessions.filter((s) => s.room_id === r.id).length ?? 0;
    const ok = await confirm.ask({
      title: `Delete the room ${r.name}?`,
      message: (
        <p>
          {count > 0
            ? `It has ${count} session${count === 1 ? '' : 's'}; its staff slots end with it.`
            : 'It has no session; its staff slots end with it.'}
        </p>
      ),
      confirmLabel: 'Delete room',
    });
    if (
      ok &&
      (await results.run(r.id, () =>
        api.del('/api/events/events/{id}/rooms/{roomId}', { path: { id: eventId, roomId: r.id } }),
      ))
    )
      data.reload();
  }
  async function deleteSession(s: Session) {
    const ok = await confirm.ask({
      title: `Delete the session ${s.title}?`,
      message: (
        <p>
          {fmtDateTime(s.start_time)} – {fmtDateTime(s.end_time)} in {roomName(s.room_id)}. It leaves the
          timetable.
        </p>
      ),
      confirmLabel: 'Delete session',
    });
    if (
      ok &&
      (await results.run(s.id, () =>
        api.del('/api/events/events/{id}/sessions/{sessionId}', { path: { id: eventId, sessionId: s.id } }),
      ))
    )
      data.reload();
  }
  const rooms = data.data?.rooms ?? [];
  const roomName = (id: string) => rooms.find((r) => r.id === id)?.name ?? '—';
  return (
    <>
      <ErrorText>{data.error}</ErrorText>
      {confirm.dialog}
      <section className="card" aria-labelledby="rooms-title">
        <div className="page-head">
          <h2 id="rooms-title">Rooms</h2>
          <button type="button" className="small" onClick={() => setRoom('new')}>
            New room
          </button>
        </div>
        <Table columns={['Name', 'Location', 'Capacity', 'Inside', '']}>
          {rooms.map((r) => (
            <tr key={r.id} aria-label={`Room ${r.name}`}>
              <td>{r.name}</td>
              <td>{r.location}</td>
              <td>{r.capacity}</td>
              <td>{r.current_occupancy}</td>
              <td>
                <EditDelete
                  what={`room ${r.name}`}
                  onEdit={() => setRoom(r)}
                  onDelete={() => void deleteRoom(r)}
                  result={results.show(r.id)}
                />
              </td>
            </tr>
          ))}
        </Table>
        {room && (
          <RoomForm
            key={room === 'new' ? 'new' : room.id}
            eventId={eventId}
            room={room === 'new' ? undefined : room}
            onDone={(changed) => (setRoom(null), changed && data.reload())}
          />
        )}
      </section>
      <section className="card" aria-labelledby="sessions-title">
        <div className="page-head">
          <h2 id="sessions-title">Sessions</h2>
          <button
            type="button"
            className="small"
            onClick={() => setSession('new')}
            disabled={rooms.length === 0}
          >
            New session
          </button>
        </div>
        {session && (
          <SessionForm
            key={session === 'new' ? 'new' : session.id}
            eventId={eventId}
            rooms={rooms}
            session={session === 'new' ? undefined : session}
            onDone={(changed) => (setSession(null), changed && data.reload())}
          />
        )}
        <Table columns={['When', 'Room', 'Title', 'Type', '']}>
          {data.data?.sessions.map((s) => (
            <tr key={s.id} aria-label={`Session ${s.title}`}>
              <td className="small">
                {fmtDateTime(s.start_time)} – {fmtDateTime(s.end_time)}
              </td>
              <td>{roomName(s.room_id)}</td>
              <td>
                {s.title} <span className="muted small">{s.speaker_name}</span>
              </td>
              <td>
                {s.session_type}
                {s.is_paid && ` · ${s.price} €`}
              </td>
              <td>
                <EditDelete
                  what={`session ${s.title}`}
                  onEdit={() => setSession(s)}
                  onDelete={() => void deleteSession(s)}
                  result={results.show(s.id)}
                />
              </td>
            </tr>
          ))}
        </Table>
      </section>
    </>
  );
}

/**
 * A row's Edit and Delete buttons, named after the row (`room Hall A`) for screen readers, and the
 * delete's answer.
 */
function EditDelete({
  what,
  onEdit,
  onDelete,
  result,
}: {
  what: string;
  onEdit: () => void;
  onDelete: () => void;
  result: ReactNode;
}) {
  return (
    <div className="item-actions">
      <button type="button" className="small ghost" onClick={onEdit} aria-label={`Edit ${what}`}>
        Edit
      </button>
      <button type="button" className="small danger-ghost" onClick={onDelete} aria-label={`Delete ${what}`}>
        Delete
      </button>
      {result}
    </div>
  );
}

function RoomForm({
  eventId,
  room,
  onDone,
}: {
  eventId: string;
  room?: Room;
  onDone: (changed: boolean) => void;
}) {
  const form = useSubmit();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body = {
      name: text(f, 'name'),
      location: text(f, 'location'),
      description: text(f, 'description'),
      capacity: Number(text(f, 'capacity')),
    };
    const ok = await form.run(() =>
      room
        ? api.patch('/api/events/events/{id}/rooms/{roomId}', {
            path: { id: eventId, roomId: room.id },
            body,
          })
        : api.post('/api/events/events/{id}/rooms', { path: { id: eventId }, body }),
    );
    if (ok) onDone(true);
  }
  return (
    <form
      className="form subform"
      onSubmit={(e) => void submit(e)}
      aria-label={room ? `Edit room ${room.name}` : 'New room'}
      noValidate
    >
      <div className="grid2">
        <Field label="Room name" name="name" errors={form.fields}>
          <input defaultValue={room?.name} required />
        </Field>
        <Field label="Capacity" name="capacity" errors={form.fields}>
          <input type="number" min={0} defaultValue={room?.capacity ?? 50} />
        </Field>
        <Field label="Room location" name="location" errors={form.fields}>
          <input defaultValue={room?.location} />
        </Field>
        <Field label="Room description" name="description" errors={form.fields}>
          <input defaultValue={room?.description} />
        </Field>
      </div>
      <FormActions form={form} submit={room ? 'Save room' : 'Create room'} onCancel={() => onDone(false)} />
    </form>
  );
}

function SessionForm({
  eventId,
  rooms,
  session,
  onDone,
}: {
  eventId: string;
  rooms: Room[];
  session?: Session;
  onDone: (changed: boolean) => void;
}) {
  const form = useSubmit();
  const [type, setType] = useState(session?.session_type ?? 'conference');
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const paid = f.get('is_paid') === 'on';
    const body: Body<'/api/events/events/{id}/sessions', 'post'> = {
      room_id: text(f, 'room_id'),
      title: text(f, 'title'),
      speaker_name: text(f, 'speaker_name'),
      description: text(f, 'description'),
      start_time: fromLocalInput(f.get('start_time')),
      end_time: fromLocalInput(f.get('end_time')),
      session_type: type,
      // A conference is free: price and is_paid are only sent for ateliers, so the API's rule is the
      // one that speaks.
      ...(type === 'atelier' ? { is_paid: paid, ...(paid ? { price: text(f, 'price') } : {}) } : {}),
    };
    const ok = await form.run(() =>
      session
        ? api.patch('/api/events/events/{id}/sessions/{sessionId}', {
            path: { id: eventId, sessionId: session.id },
            body,
          })
        : api.post('/api/events/events/{id}/sessions', { path: { id: eventId }, body }),
    );
    if (ok) onDone(true);
  }
  return (
    <form
      className="form subform"
      onSubmit={(e) => void submit(e)}
      aria-label={session ? `Edit session ${session.title}` : 'New session'}
      noValidate
    >
      <div className="grid2">
        <Field label="Title" name="title" errors={form.fields}>
          <input defaultValue={session?.title} required />
        </Field>
        <Field label="Room" name="room_id" errors={form.fields}>
          <select defaultValue={session?.room_id ?? rooms[0]?.id}>
            <Options items={rooms} label={(r) => r.name} />
          </select>
        </Field>
        <Field label="Session starts" name="start_time" errors={form.fields}>
          <input type="datetime-local" defaultValue={toLocalInput(session?.start_time)} required />
        </Field>
        <Field label="Session ends" name="end_time" errors={form.fields}>
          <input type="datetime-local" defaultValue={toLocalInput(session?.end_time)} required />
        </Field>
        <Field label="Speaker" name="speaker_name" errors={form.fields}>
          <input defaultValue={session?.speaker_name} />
        </Field>
        <Field label="Type" name="session_type" errors={form.fields}>
          <select value={type} onChange={(e) => setType(e.target.value as Session['session_type'])}>
            <option value="conference">conference</option>
            <option value="atelier">atelier</option>
          </select>
        </Field>
      </div>
      {type === 'atelier' && (
        <div className="row wrap">
          <label className="check">
            <input type="checkbox" name="is_paid" defaultChecked={session?.is_paid} /> Paid atelier
          </label>
          <Field label="Price (€)" name="price" errors={form.fields}>
            <input inputMode="decimal" defaultValue={session?.is_paid ? session.price : ''} />
          </Field>
        </div>
      )}
      <Field label="Session description" name="description" errors={form.fields}>
        <textarea defaultValue={session?.description} rows={2} />
      </Field>
      <FormActions
        form={form}
        submit={session ? 'Save session' : 'Create session'}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}
