import { useState, type FormEvent } from 'react';
import { api, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n, useT } from '../../i18n';
import {
  ConfirmDelete,
  ErrorText,
  Field,
  FormActions,
  viewerZoneLabel,
  Options,
  Page,
  Table,
  useConfirm,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { ScreenHealth } from './ScreenHealth';
import { DayPartsEditor, DayPartsText, dayPartsOf } from './DayParts';
import { useRun, type Playlist } from './shared';

type Device = Answer<'/api/signage/devices', 'get'>['items'][number];
type Group = Answer<'/api/signage/groups', 'get'>['items'][number];
type Effective = Answer<'/api/signage/devices/{id}/effective', 'get'>;
type PlaylistSource = NonNullable<Effective['reason']>['source'];

/** The org's screens (claimed with a pairing code), their groups and schedules, and what each plays. */
export function Screens() {
  const { access } = useSession();
  const { t, fmt } = useI18n();
  const claim = useSubmit();
  // '' claims the code as a new screen; a screen's id pairs the code onto that screen's record.
  const [onto, setOnto] = useState('');
  const { error, run } = useRun();
  const playlists = useLoad(() => api.get('/api/signage/playlists', { query: { limit: 100 } }), []);
  const devices = useLoad(() => api.get('/api/signage/devices', { query: { limit: 100 } }), []);
  const groups = useLoad(() => api.get('/api/signage/groups', { query: { limit: 200 } }), []);
  const groupName = new Map(groups.data?.items.map((g) => [g.id, g.name]));
  const reloadAll = () => (devices.reload(), groups.reload());
  return (
    <Page title={t('signage.screens')}>
      <ErrorText>{error || playlists.error || devices.error || groups.error}</ErrorText>
      <section className="card" aria-labelledby="screens-title">
        <h2 id="screens-title">{t('signage.screens')}</h2>
        {access.isOrgAdmin && (
          // A wrong or expired code is said under the code field, right where it was typed.
          <form
            className="row wrap"
            aria-label={t('signage.claim')}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const form = e.currentTarget;
              const f = new FormData(form);
              const code = formText(f, 'code').trim();
              void claim
                .run(
                  () =>
                    onto
                      ? api.post('/api/signage/devices/{id}/pair', { path: { id: onto }, body: { code } })
                      : api.post('/api/signage/devices/claim', {
                          body: {
                            code,
                            name: formText(f, 'name').trim(),
                            playlist_id: formText(f, 'playlist_id') || null,
                          },
                        }),
                  (err) =>
                    err.status === 404 || err.status === 410 ? { code: t('signage.badCode') } : undefined,
                )
                .then((ok) => ok && (form.reset(), setOnto(''), devices.reload()));
            }}
          >
            <Field label={t('signage.pairingCode')} name="code" errors={claim.fields}>
              <input required autoComplete="off" />
            </Field>
            <Field
              label={t('signage.pairOnto')}
              name="onto"
              errors={claim.fields}
              hint={t('signage.pairOntoHelp')}
            >
              <select value={onto} onChange={(e) => setOnto(e.target.value)}>
                <option value="">{t('signage.newScreen')}</option>
                <Options items={devices.data?.items} label={(d) => d.name} />
              </select>
            </Field>
            {!onto && (
              <>
                <Field label={t('signage.screenName')} name="name" errors={claim.fields}>
                  <input required />
                </Field>
                <Field label={t('signage.playlist')} name="playlist_id" errors={claim.fields}>
                  <select>
                    <option value="">{t('signage.defaultPlaylist')}</option>
                    <Options items={playlists.data?.items} label={(p) => p.name} />
                  </select>
                </Field>
              </>
            )}
            <button type="submit" disabled={claim.busy}>
              {t('signage.claim')}
            </button>
            <ErrorText>{claim.error}</ErrorText>
          </form>
        )}
        <Table
          columns={[
            t('signage.screen'),
            t('signage.state'),
            viewerZoneLabel(t('signage.lastSeen')),
            t('signage.groups'),
            t('signage.playlist'),
            t('signage.nowPlaying'),
          ]}
        >
          {devices.data?.items.map((d) => (
            <tr key={d.id}>
              <td>
                {d.name} <span className="muted small">{d.location}</span>
              </td>
              <td>
                <span className={`badge ${d.is_online ? 'on' : 'off'}`}>
                  {d.is_online ? t('signage.online') : t('signage.offline')}
                </span>
              </td>
              <td>{d.last_seen ? fmt.dateTime(d.last_seen) : t('signage.never')}</td>
              <td>{d.group_ids.map((id) => groupName.get(id) ?? id).join(', ')}</td>
              <td>
                <select
                  aria-label={t('signage.playlistOf', { name: d.name })}
                  value={d.playlist_id ?? ''}
                  disabled={!access.isOrgAdmin}
                  onChange={(e) =>
                    void run(
                      () =>
                        api.patch('/api/signage/devices/{id}', {
                          path: { id: d.id },
                          body: { playlist_id: e.target.value || null },
                        }),
                      devices.reload,
                    )
                  }
                >
                  <option value="">{t('signage.defaultPlaylist')}</option>
                  <Options items={playlists.data?.items} label={(p) => p.name} />
                </select>
              </td>
              <td>
                <NowPlaying device={d} stamp={`${d.updated_at}${groups.data?.items.length}`} />
              </td>
            </tr>
          ))}
        </Table>
      </section>
      {access.isOrgAdmin && <ScreenControl devices={devices.data?.items ?? []} />}
      <PlayPreview devices={devices.data?.items ?? []} />
      <Groups
        groups={groups.data?.items ?? []}
        devices={devices.data?.items ?? []}
        playlists={playlists.data?.items ?? []}
        onChange={reloadAll}
      />
      <Schedules
        groups={groups.data?.items ?? []}
        devices={devices.data?.items ?? []}
        playlists={playlists.data?.items ?? []}
      />
    </Page>
  );
}

/** One screen's health, last screenshot and remote commands, for the screen chosen here. */
function ScreenControl({ devices }: { devices: Device[] }) {
  const { t } = useI18n();
  const [deviceId, setDeviceId] = useState('');
  const chosen = deviceId || devices[0]?.id || '';
  if (!chosen) return null;
  return (
    <section className="card" aria-labelledby="screen-control-title">
      <h2 id="screen-control-title">{t('screenHealth.title')}</h2>
      <label>
        {t('signage.screen')}{' '}
        <select value={chosen} onChange={(e) => setDeviceId(e.target.value)}>
          <Options items={devices} label={(d) => d.name} />
        </select>
      </label>
      <ScreenHealth deviceId={chosen} />
    </section>
  );
}

/** Why a screen plays what it plays, in words: "Lobby loop — from group Lobby, schedule …". */
function useReason() {
  const t = useT();
  return (e: Effective) => {
    if (!e.reason) return t('signage.nothingToPlay');
    const r = e.reason;
    const group = r.group?.name ?? '';
    const schedule = r.schedule?.name ?? '';
    const why: Record<PlaylistSource, string> = {
      screen_schedule: t('signage.why.screenSchedule', { schedule }),
      group_schedule: t('signage.why.groupSchedule', { group, schedule }),
      org_schedule: t('signage.why.orgSchedule', { schedule }),
      screen: t('signage.why.screen'),
      group: t('signage.why.group', { group }),
      default: t('signage.why.default'),
    };
    return why[r.source];
  };
}

/** The screen's playlist now and the rule that chose it. */
function NowPlaying({ device, stamp }: { device: Device; stamp: string }) {
  const reason = useReason();
  const now = useLoad(
    () => api.get('/api/signage/devices/{id}/effective', { path: { id: device.id } }),
    [device.id, stamp],
  );
  if (!now.data) return null;
  return (
    <span data-testid="now-playing">
      <strong>{now.data.playlist?.name ?? '—'}</strong>{' '}
      <span className="muted small">{reason(now.data)}</span>
    </span>
  );
}

/** What a chosen screen plays at a chosen time (the viewer's clock), item by item. */
function PlayPreview({ devices }: { devices: Device[] }) {
  const { t } = useI18n();
  const reason = useReason();
  const [deviceId, setDeviceId] = useState('');
  const [at, setAt] = useState('');
  const chosen = deviceId || devices[0]?.id || '';
  const preview = useLoad(
    () =>
      chosen
        ? api.get('/api/signage/devices/{id}/effective', {
            path: { id: chosen },
            query: { at: at ? new Date(at).toISOString() : undefined },
          })
        : Promise.resolve(null),
    [chosen, at],
  );
  return (
    <section className="card" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('signage.playsWhen')}</h2>
      <div className="row wrap">
        <label>
          {t('signage.screen')}
          <select value={chosen} onChange={(e) => setDeviceId(e.target.value)}>
            <Options items={devices} label={(d) => d.name} />
          </select>
        </label>
        <label>
          {viewerZoneLabel(t('signage.at'))}{' '}
          <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
      </div>
      <ErrorText>{preview.error}</ErrorText>
      {preview.data && (
        <div data-testid="preview">
          <p>
            <strong>{preview.data.playlist?.name ?? '—'}</strong> · {reason(preview.data)}{' '}
            <span className="muted small">
              {t('signage.screenClock', {
                time: preview.data.local_time.replace('T', ' ').slice(0, 16),
                zone: preview.data.timezone,
              })}
            </span>
          </p>
          {preview.data.emergency && <p className="error">{preview.data.emergency.message}</p>}
          <ol>
            {preview.data.items.map((i) => (
              <li key={i.id}>
                {i.name} <span className="muted small">{t('signage.seconds', { count: i.duration })}</span>
              </li>
            ))}
          </ol>
          {preview.data.items.length === 0 && <p className="muted">{t('signage.nothingThen')}</p>}
        </div>
      )}
    </section>
  );
}

/** Screen groups: by location or purpose; a screen may be in several. Admins change them. */
function Groups({
  groups,
  devices,
  playlists,
  onChange,
}: {
  groups: Group[];
  devices: Device[];
  playlists: Playlist[];
  onChange: () => void;
}) {
  const { access } = useSession();
  const t = useT();
  const form = useSubmit();
  const { error, run } = useRun();
  const admin = access.isOrgAdmin;
  const confirm = useConfirm();
  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const el = e.currentTarget;
    const f = new FormData(el);
    const ok = await form.run(() =>
      api.post('/api/signage/groups', {
        body: {
          name: formText(f, 'name').trim(),
          description: formText(f, 'description'),
          kind: formText(f, 'kind') as Group['kind'],
          priority: Number(formText(f, 'priority') || 0),
          playlist_id: formText(f, 'playlist_id') || null,
        },
      }),
    );
    if (!ok) return;
    el.reset();
    onChange();
  }
  return (
    <section className="card" aria-labelledby="groups-title">
      <h2 id="groups-title">{t('signage.groups')}</h2>
      <p className="muted small">{t('signage.groupsHelp')}</p>
      {confirm.dialog}
      {admin && (
        <form
          className="row wrap"
          aria-label={t('signage.newGroup')}
          noValidate
          onSubmit={(e) => void create(e)}
        >
          <Field label={t('signage.groupName')} name="name" errors={form.fields}>
            <input required />
          </Field>
          <Field label={t('signage.groupKind')} name="kind" errors={form.fields}>
            <select>
              <option value="location">{t('signage.kind.location')}</option>
              <option value="purpose">{t('signage.kind.purpose')}</option>
            </select>
          </Field>
          <Field label={t('signage.description')} name="description" errors={form.fields}>
            <input />
          </Field>
          <Field label={t('signage.priority')} name="priority" errors={form.fields}>
            <input type="number" defaultValue={0} />
          </Field>
          <Field label={t('signage.playlist')} name="playlist_id" errors={form.fields}>
            <select>
              <option value="">{t('signage.noGroupPlaylist')}</option>
              <Options items={playlists} label={(p) => p.name} />
            </select>
          </Field>
          <button type="submit" disabled={form.busy}>
            {t('signage.createGroup')}
          </button>
          <ErrorText>{form.error}</ErrorText>
        </form>
      )}
      <ErrorText>{error}</ErrorText>
      <ul className="groups">
        {groups.map((g) => (
          <li key={g.id} className="card" aria-label={t('signage.groupRow', { name: g.name })}>
            <strong>{g.name}</strong>{' '}
            <span className="badge">
              {t(g.kind === 'location' ? 'signage.kind.location' : 'signage.kind.purpose')}
            </span>{' '}
            <span className="muted small">
              {t('signage.screenCount', { count: g.screen_count })} ·{' '}
              {t('signage.priorityOf', { n: g.priority })}
              {g.description && ` · ${g.description}`}
            </span>
            <div className="row wrap">
              <label>
                {t('signage.playlist')}
                <select
                  disabled={!admin}
                  value={g.playlist_id ?? ''}
                  onChange={(e) =>
                    void run(
                      () =>
                        api.patch('/api/signage/groups/{id}', {
                          path: { id: g.id },
                          body: { playlist_id: e.target.value || null },
                        }),
                      onChange,
                    )
                  }
                >
                  <option value="">{t('signage.noGroupPlaylist')}</option>
                  <Options items={playlists} label={(p) => p.name} />
                </select>
              </label>
              {admin && (
                <label>
                  {t('signage.addScreen')}
                  <select
                    value=""
                    onChange={(e) =>
                      e.target.value &&
                      void run(
                        () =>
                          api.post('/api/signage/groups/{id}/screens', {
                            path: { id: g.id },
                            body: { device_ids: [e.target.value] },
                          }),
                        onChange,
                      )
                    }
                  >
                    <option value="">{t('signage.choose')}</option>
                    <Options
                      items={devices.filter((d) => !d.group_ids.includes(g.id))}
                      label={(d) => d.name}
                    />
                  </select>
                </label>
              )}
              {admin && (
                <ConfirmDelete
                  confirm={confirm}
                  name={g.name}
                  title={t('signage.deleteGroupTitle', { name: g.name })}
                  message={t('signage.deleteGroupText')}
                  onDelete={() =>
                    void run(() => api.del('/api/signage/groups/{id}', { path: { id: g.id } }), onChange)
                  }
                />
              )}
            </div>
            <ul className="row wrap" aria-label={t('signage.screensOf', { name: g.name })}>
              {devices
                .filter((d) => d.group_ids.includes(g.id))
                .map((d) => (
                  <li key={d.id} className="chip">
                    {d.name}{' '}
                    {admin && (
                      <button
                        type="button"
                        className="small ghost"
                        aria-label={t('signage.removeFromGroup', { name: d.name, group: g.name })}
                        onClick={() =>
                          void run(
                            () =>
                              api.del('/api/signage/groups/{id}/screens/{deviceId}', {
                                path: { id: g.id, deviceId: d.id },
                              }),
                            onChange,
                          )
                        }
                      >
                        ✕
                      </button>
                    )}
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Schedules: a playlist on a screen, a group or every screen during a day-part and between dates. */
function Schedules({
  groups,
  devices,
  playlists,
}: {
  groups: Group[];
  devices: Device[];
  playlists: Playlist[];
}) {
  const { access } = useSession();
  const t = useT();
  const form = useSubmit();
  const { error, run } = useRun();
  const confirm = useConfirm();
  const schedules = useLoad(() => api.get('/api/signage/schedules', { query: { limit: 200 } }), []);
  const names = {
    playlist: new Map(playlists.map((p) => [p.id, p.name])),
    group: new Map(groups.map((g) => [g.id, g.name])),
    device: new Map(devices.map((d) => [d.id, d.name])),
  };
  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const el = e.currentTarget;
    const f = new FormData(el);
    const [kind, id] = formText(f, 'target').split(':');
    const dayparts = dayPartsOf(f);
    if (!dayparts) return;
    const ok = await form.run(() =>
      api.post('/api/signage/schedules', {
        body: {
          name: formText(f, 'name').trim(),
          playlist_id: formText(f, 'playlist_id'),
          device_id: kind === 'screen' ? id : null,
          group_id: kind === 'group' ? id : null,
          dayparts,
          starts_on: formText(f, 'starts_on') || null,
          ends_on: formText(f, 'ends_on') || null,
        },
      }),
    );
    if (!ok) return;
    el.reset();
    schedules.reload();
  }
  return (
    <section className="card" aria-labelledby="schedules-title">
      <h2 id="schedules-title">{t('signage.schedules')}</h2>
      <p className="muted small">{t('signage.schedulesHelp')}</p>
      {confirm.dialog}
      {access.isOrgAdmin && (
        <form
          className="form"
          aria-label={t('signage.newSchedule')}
          noValidate
          onSubmit={(e) => void create(e)}
        >
          <div className="grid2">
            <Field label={t('signage.scheduleName')} name="name" errors={form.fields}>
              <input required />
            </Field>
            <Field label={t('signage.playlist')} name="playlist_id" errors={form.fields}>
              <select required>
                <option value="">{t('signage.choose')}</option>
                <Options items={playlists} label={(p) => p.name} />
              </select>
            </Field>
            <Field label={t('signage.target')} name="target" errors={form.fields}>
              <select>
                <option value="org">{t('signage.everyScreen')}</option>
                {groups.map((g) => (
                  <option key={g.id} value={`group:${g.id}`}>
                    {t('signage.groupTarget', { name: g.name })}
                  </option>
                ))}
                {devices.map((d) => (
                  <option key={d.id} value={`screen:${d.id}`}>
                    {t('signage.screenTarget', { name: d.name })}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('signage.startsOn')} name="starts_on" errors={form.fields}>
              <input type="date" />
            </Field>
            <Field label={t('signage.endsOn')} name="ends_on" errors={form.fields}>
              <input type="date" />
            </Field>
          </div>
          <DayPartsEditor error={form.fields.dayparts} />
          <FormActions form={form} submit={t('signage.createSchedule')} />
        </form>
      )}
      <ErrorText>{error || schedules.error}</ErrorText>
      <Table
        columns={[
          t('signage.scheduleName'),
          t('signage.playlist'),
          t('signage.target'),
          t('signage.daypart'),
          '',
        ]}
      >
        {schedules.data?.items.map((s) => (
          <tr key={s.id}>
            <td>
              {s.name}{' '}
              {(s.starts_on || s.ends_on) && (
                <span className="muted small">
                  {s.starts_on ?? '…'} → {s.ends_on ?? '…'}
                </span>
              )}
            </td>
            <td>{names.playlist.get(s.playlist_id) ?? s.playlist_id}</td>
            <td>
              {s.device_id
                ? t('signage.screenTarget', { name: names.device.get(s.device_id) ?? s.device_id })
                : s.group_id
                  ? t('signage.groupTarget', { name: names.group.get(s.group_id) ?? s.group_id })
                  : t('signage.everyScreen')}
            </td>
            <td>
              <DayPartsText dayparts={s.dayparts} />
            </td>
            <td>
              {access.isOrgAdmin && (
                <ConfirmDelete
                  confirm={confirm}
                  name={s.name}
                  title={t('signage.deleteScheduleTitle', { name: s.name })}
                  message={t('signage.deleteScheduleText')}
                  onDelete={() =>
                    void run(
                      () => api.del('/api/signage/schedules/{id}', { path: { id: s.id } }),
                      schedules.reload,
                    )
                  }
                />
              )}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
