import { useState, type FormEvent, type ReactNode } from 'react';
import { allPages, api, type Answer, type Body } from '../../api/client';
import { useSession } from '../../auth';
import { knownZone, useI18n, useT } from '../../i18n';
import { eventStatusLabel, sessionTypeLabel } from '../../i18n/labels';
import {
  ErrorText,
  StatusText,
  Field,
  FormActions,
  fromZonedInput,
  Options,
  Page,
  Table,
  toZonedInput,
  useConfirm,
  useItemResults,
  useLoad,
  useSubmit,
  useZone,
  ZoneNote,
  formText,
} from '../../ui';
import { Link } from '../../router';
import { useEventChoice } from './common';

type Event = Answer<'/api/events/events/{id}', 'get'>;
type Room = Answer<'/api/events/events/{id}/rooms', 'get'>['items'][number];
type Session = Answer<'/api/events/events/{id}/sessions', 'get'>['items'][number];

const text = (f: FormData, k: string) => formText(f, k).trim();

/** Event managers: the event itself, its rooms and its sessions, each created and edited in place. */
export function ManageEvents() {
  const { refresh } = useSession();
  const { event, picker, choose } = useEventChoice(['manager']);
  const t = useT();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState('');
  const confirm = useConfirm();
  const results = useItemResults();
  const [deleted, setDeleted] = useState('');
  async function deleteEvent(e: Event) {
    const ok = await confirm.ask({
      title: t('manage.deleteEventTitle', { name: e.name }),
      message: <p>{t('manage.deleteEventText')}</p>,
      confirmLabel: t('manage.deleteEvent'),
    });
    if (!ok) return;
    if (await results.run(e.id, () => api.del('/api/events/events/{id}', { path: { id: e.id } }))) {
      setDeleted(t('manage.eventDeleted', { name: e.name }));
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
      title={event && !creating ? t('manage.titleOf', { name: event.name }) : t('manage.title')}
      actions={
        <div className="row">
          {!creating && picker}
          <button
            type="button"
            className="ghost"
            onClick={() => (setCreating((c) => !c), setCreated(''))}
            aria-expanded={creating}
          >
            {creating ? t('manage.backToEvent') : t('manage.newEvent')}
          </button>
        </div>
      }
    >
      {confirm.dialog}
      <StatusText>{deleted}</StatusText>
      {created && !creating && (
        <p role="status" className="ok">
          {created} <Link href={`/events/staffing?event=${event?.id ?? ''}`}>{t('manage.staffIt')}</Link>
        </p>
      )}
      {creating || !event ? (
        <EventForm
          onSaved={async (made) => {
            // The new event opens at once, so its rooms and sessions come next.
            await refresh();
            if (made) {
              choose(made.id);
              setCreated(t('manage.eventCreatedOpen', { name: made.name }));
            }
            setCreating(false);
          }}
        />
      ) : (
        <>
          <ErrorText>{details.error}</ErrorText>
          {shown && (
            <EventForm key={shown.updated_at} event={shown} onSaved={() => details.reload()}>
              <span className="item-actions push-end">
                <button type="button" className="danger-ghost" onClick={() => void deleteEvent(shown)}>
                  {t('manage.deleteEvent')}
                </button>
                {results.show(shown.id)}
              </span>
            </EventForm>
          )}
          <RoomsAndSessions eventId={event.id} zone={shown?.timezone ?? event.timezone} />
        </>
      )}
    </Page>
  );
}

/** The event's own fields; its dates are entered on the clock of the time zone in the form. */
function EventForm({
  event,
  onSaved,
  children,
}: {
  event?: Event;
  onSaved: (created?: Event) => void | Promise<void>;
  children?: ReactNode;
}) {
  const form = useSubmit();
  const t = useT();
  const [saved, setSaved] = useState('');
  const [zoneText, setZoneText] = useState(event?.timezone ?? 'Europe/Paris');
  const zone = knownZone(zoneText) ?? event?.timezone ?? 'Europe/Paris';
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved('');
    const f = new FormData(e.currentTarget);
    const body: Body<'/api/events/events', 'post'> = {
      name: text(f, 'name'),
      description: text(f, 'description'),
      location: text(f, 'location'),
      start_date: fromZonedInput(f.get('start_date'), zone),
      end_date: fromZonedInput(f.get('end_date'), zone),
      timezone: text(f, 'timezone'),
      status: text(f, 'status') as Event['status'],
    };
    let made: Event | undefined;
    const ok = await form.run(async () => {
      if (event) await api.patch('/api/events/events/{id}', { path: { id: event.id }, body });
      else made = await api.post('/api/events/events', { body });
    });
    if (ok) {
      setSaved(event ? t('manage.eventSaved') : t('manage.eventCreated', { name: body.name }));
      await onSaved(made);
    }
  }
  return (
    <form
      className="card form"
      onSubmit={(e) => void submit(e)}
      aria-label={event ? t('manage.eventDetails') : t('manage.newEvent')}
      noValidate
    >
      <h2>{event ? t('manage.event') : t('manage.newEvent')}</h2>
      <div className="grid2">
        <Field label={t('manage.eventName')} name="name" errors={form.fields}>
          <input defaultValue={event?.name} required />
        </Field>
        <Field label={t('common.location')} name="location" errors={form.fields}>
          <input defaultValue={event?.location} />
        </Field>
        <Field label={t('manage.starts', { zone })} name="start_date" errors={form.fields}>
          <input type="datetime-local" defaultValue={toZonedInput(event?.start_date, zone)} required />
        </Field>
        <Field label={t('manage.ends', { zone })} name="end_date" errors={form.fields}>
          <input type="datetime-local" defaultValue={toZonedInput(event?.end_date, zone)} required />
        </Field>
        <Field
          label={t('common.timezone')}
          name="timezone"
          errors={form.fields}
          hint={t('manage.timezoneHint')}
        >
          <input value={zoneText} onChange={(e) => setZoneText(e.target.value)} />
        </Field>
        <Field label={t('common.status')} name="status" errors={form.fields}>
          <select defaultValue={event?.status ?? 'draft'}>
            {(['draft', 'published', 'cancelled'] as const).map((v) => (
              <option key={v} value={v}>
                {eventStatusLabel(t, v)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t('common.description')} name="description" errors={form.fields}>
        <textarea defaultValue={event?.description} rows={2} />
      </Field>
      <FormActions
        form={form}
        submit={event ? t('manage.saveEvent') : t('manage.createEvent')}
        status={saved}
      >
        {children}
      </FormActions>
    </form>
  );
}

function RoomsAndSessions({ eventId, zone }: { eventId: string; zone: string }) {
  const t = useT();
  const { fmt } = useI18n();
  const z = useZone(zone);
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
      title: t('manage.deleteRoomTitle', { name: r.name }),
      message: <p>{t('manage.deleteRoomText', { count })}</p>,
      confirmLabel: t('manage.deleteRoom'),
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
      title: t('manage.deleteSessionTitle', { title: s.title }),
      message: (
        <p>
          {t('manage.deleteSessionText', {
            when: z.range(s.start_time, s.end_time),
            room: roomName(s.room_id),
          })}
        </p>
      ),
      confirmLabel: t('manage.deleteSession'),
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
          <h2 id="rooms-title">{t('manage.rooms')}</h2>
          <button type="button" className="small" onClick={() => setRoom('new')}>
            {t('manage.newRoom')}
          </button>
        </div>
        <Table
          columns={[t('common.name'), t('common.location'), t('manage.capacity'), t('manage.inside'), '']}
        >
          {rooms.map((r) => (
            <tr key={r.id} aria-label={t('manage.roomRow', { name: r.name })}>
              <td>{r.name}</td>
              <td>{r.location}</td>
              <td>{fmt.number(r.capacity)}</td>
              <td>{fmt.number(r.current_occupancy)}</td>
              <td>
                <EditDelete
                  what={t('manage.roomWhat', { name: r.name })}
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
          <h2 id="sessions-title">{t('manage.sessions')}</h2>
          <button
            type="button"
            className="small"
            onClick={() => setSession('new')}
            disabled={rooms.length === 0}
          >
            {t('manage.newSession')}
          </button>
        </div>
        <ZoneNote zone={zone} />
        {session && (
          <SessionForm
            key={session === 'new' ? 'new' : session.id}
            eventId={eventId}
            rooms={rooms}
            sessions={data.data?.sessions ?? []}
            zone={zone}
            session={session === 'new' ? undefined : session}
            onDone={(changed) => (setSession(null), changed && data.reload())}
          />
        )}
        <Table columns={[t('manage.when'), t('common.room'), t('common.title'), t('common.type'), '']}>
          {data.data?.sessions.map((s) => (
            <tr key={s.id} aria-label={t('manage.sessionRow', { title: s.title })}>
              <td className="small">{z.range(s.start_time, s.end_time)}</td>
              <td>{roomName(s.room_id)}</td>
              <td>
                {s.title} <span className="muted small">{s.speaker_name}</span>
              </td>
              <td>
                {sessionTypeLabel(t, s.session_type)}
                {s.is_paid && ` · ${fmt.number(Number(s.price), { style: 'currency', currency: 'EUR' })}`}
              </td>
              <td>
                <EditDelete
                  what={t('manage.sessionWhat', { title: s.title })}
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
  const t = useT();
  return (
    <div className="item-actions">
      <button
        type="button"
        className="small ghost"
        onClick={onEdit}
        aria-label={t('common.editWhat', { what })}
      >
        {t('common.edit')}
      </button>
      <button
        type="button"
        className="small danger-ghost"
        onClick={onDelete}
        aria-label={t('common.deleteWhat', { what })}
      >
        {t('common.delete')}
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
  const t = useT();
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
      aria-label={room ? t('manage.editRoom', { name: room.name }) : t('manage.newRoom')}
      noValidate
    >
      <div className="grid2">
        <Field label={t('manage.roomName')} name="name" errors={form.fields}>
          <input defaultValue={room?.name} required />
        </Field>
        <Field label={t('manage.capacity')} name="capacity" errors={form.fields}>
          <input type="number" min={0} defaultValue={room?.capacity ?? 50} />
        </Field>
        <Field label={t('manage.roomLocation')} name="location" errors={form.fields}>
          <input defaultValue={room?.location} />
        </Field>
        <Field label={t('manage.roomDescription')} name="description" errors={form.fields}>
          <input defaultValue={room?.description} />
        </Field>
      </div>
      <FormActions
        form={form}
        submit={room ? t('manage.saveRoom') : t('manage.createRoom')}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}

function SessionForm({
  eventId,
  rooms,
  sessions,
  zone,
  session,
  onDone,
}: {
  eventId: string;
  rooms: Room[];
  sessions: Session[];
  zone: string;
  session?: Session;
  onDone: (changed: boolean) => void;
}) {
  const form = useSubmit();
  const t = useT();
  const z = useZone(zone);
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
      start_time: fromZonedInput(f.get('start_time'), zone),
      end_time: fromZonedInput(f.get('end_time'), zone),
      session_type: type,
      // A conference is free: price and is_paid are only sent for ateliers, so the API's rule is the
      // one that speaks.
      ...(type === 'atelier' ? { is_paid: paid, ...(paid ? { price: text(f, 'price') } : {}) } : {}),
    };
    const ok = await form.run(
      () =>
        session
          ? api.patch('/api/events/events/{id}/sessions/{sessionId}', {
              path: { id: eventId, sessionId: session.id },
              body,
            })
          : api.post('/api/events/events/{id}/sessions', { path: { id: eventId }, body }),
      // A room taken at that time: name the session in the way and its hours on the event's clock.
      (err) => {
        if (err.status !== 409) return undefined;
        const from = Date.parse(body.start_time);
        const to = Date.parse(body.end_time);
        const clash = sessions.find(
          (s) =>
            s.room_id === body.room_id &&
            s.id !== session?.id &&
            Date.parse(s.start_time) < to &&
            Date.parse(s.end_time) > from,
        );
        return clash
          ? {
              start_time: t('err.roomTaken', {
                title: clash.title,
                when: z.range(clash.start_time, clash.end_time),
              }),
            }
          : undefined;
      },
    );
    if (ok) onDone(true);
  }
  return (
    <form
      className="form subform"
      onSubmit={(e) => void submit(e)}
      aria-label={session ? t('manage.editSession', { title: session.title }) : t('manage.newSession')}
      noValidate
    >
      <div className="grid2">
        <Field label={t('common.title')} name="title" errors={form.fields}>
          <input defaultValue={session?.title} required />
        </Field>
        <Field label={t('common.room')} name="room_id" errors={form.fields}>
          <select defaultValue={session?.room_id ?? rooms[0]?.id}>
            <Options items={rooms} label={(r) => r.name} />
          </select>
        </Field>
        <Field label={t('manage.sessionStarts', { zone })} name="start_time" errors={form.fields}>
          <input type="datetime-local" defaultValue={toZonedInput(session?.start_time, zone)} required />
        </Field>
        <Field label={t('manage.sessionEnds', { zone })} name="end_time" errors={form.fields}>
          <input type="datetime-local" defaultValue={toZonedInput(session?.end_time, zone)} required />
        </Field>
        <Field label={t('manage.speaker')} name="speaker_name" errors={form.fields}>
          <input defaultValue={session?.speaker_name} />
        </Field>
        <Field label={t('common.type')} name="session_type" errors={form.fields}>
          <select value={type} onChange={(e) => setType(e.target.value as Session['session_type'])}>
            {(['conference', 'atelier'] as const).map((v) => (
              <option key={v} value={v}>
                {sessionTypeLabel(t, v)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {type === 'atelier' && (
        <div className="row wrap">
          <label className="check">
            <input type="checkbox" name="is_paid" defaultChecked={session?.is_paid} />{' '}
            {t('manage.paidAtelier')}
          </label>
          <Field label={t('manage.price')} name="price" errors={form.fields}>
            <input inputMode="decimal" defaultValue={session?.is_paid ? session.price : ''} />
          </Field>
        </div>
      )}
      <Field label={t('manage.sessionDescription')} name="description" errors={form.fields}>
        <textarea defaultValue={session?.description} rows={2} />
      </Field>
      <FormActions
        form={form}
        submit={session ? t('manage.saveSession') : t('manage.createSession')}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}
