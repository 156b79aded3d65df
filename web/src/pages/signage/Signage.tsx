import { useState, type FormEvent } from 'react';
import { api, session, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n, useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { assetTypeLabel } from '../../i18n/labels';
import {
  ErrorText,
  Field,
  FormActions,
  viewerZoneLabel,
  Options,
  Page,
  Table,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';

type Asset = Answer<'/api/signage/assets', 'get'>['items'][number];
type Playlist = Answer<'/api/signage/playlists', 'get'>['items'][number];

export function Signage() {
  const { access } = useSession();
  const { t, fmt } = useI18n();
  const claim = useSubmit();
  const [error, setError] = useState('');
  const [editingId, setEditingId] = useState<string | null>(null);
  const assets = useLoad(() => api.get('/api/signage/assets', { query: { limit: 200 } }), []);
  const playlists = useLoad(() => api.get('/api/signage/playlists', { query: { limit: 100 } }), []);
  const devices = useLoad(() => api.get('/api/signage/devices', { query: { limit: 100 } }), []);
  const limits = useLoad(
    () => (access.isOrgAdmin ? api.get('/api/signage/limits') : Promise.resolve(null)),
    [assets.data, devices.data],
  );
  const run = async (fn: () => Promise<unknown>, reload: () => void) => {
    setError('');
    try {
      await fn();
      reload();
    } catch (err) {
      setError(problemMessage(t, err));
    }
  };
  /** A quick-add form: sends what it holds, then empties itself and reloads its list. */
  const quickAdd =
    (send: (f: FormData) => Promise<unknown>, reload: () => void) => (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const form = e.currentTarget;
      const f = new FormData(form);
      void run(async () => {
        await send(f);
        form.reset();
      }, reload);
    };
  const byId = new Map(assets.data?.items.map((a) => [a.id, a]));
  const editing = assets.data?.items.find((a) => a.id === editingId);
  return (
    <Page title={t('module.signage')}>
      <ErrorText>{error || assets.error || playlists.error || devices.error}</ErrorText>
      {limits.data && (
        <section className="card usage" aria-label={t('signage.usage')}>
          <h2>{t('signage.plan', { plan: limits.data.plan })}</h2>
          <Usage
            label={t('signage.assets')}
            used={limits.data.usage.assets}
            max={limits.data.limits.max_assets}
            text={(n) => fmt.number(n)}
          />
          <Usage
            label={t('signage.screens')}
            used={limits.data.usage.devices}
            max={limits.data.limits.max_devices}
            text={(n) => fmt.number(n)}
          />
          {/* Bytes, not rounded gigabytes: a few uploaded megabytes must not read as 0. */}
          <Usage
            label={t('signage.storage')}
            used={limits.data.usage.storage_bytes}
            max={limits.data.limits.max_storage_gb * 1e9}
            text={(n) => fmt.bytes(n)}
          />
        </section>
      )}

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
              void claim
                .run(
                  () =>
                    api.post('/api/signage/devices/claim', {
                      body: {
                        code: formText(f, 'code').trim(),
                        name: formText(f, 'name').trim(),
                        playlist_id: formText(f, 'playlist_id') || null,
                      },
                    }),
                  (err) =>
                    err.status === 404 || err.status === 410 ? { code: t('signage.badCode') } : undefined,
                )
                .then((ok) => ok && (form.reset(), devices.reload()));
            }}
          >
            <Field label={t('signage.pairingCode')} name="code" errors={claim.fields}>
              <input required autoComplete="off" />
            </Field>
            <Field label={t('signage.screenName')} name="name" errors={claim.fields}>
              <input required />
            </Field>
            <Field label={t('signage.playlist')} name="playlist_id" errors={claim.fields}>
              <select>
                <option value="">{t('signage.defaultPlaylist')}</option>
                <Options items={playlists.data?.items} label={(p) => p.name} />
              </select>
            </Field>
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
            t('signage.playlist'),
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
              <td>
                <select
                  aria-label={t('signage.playlistOf', { name: d.name })}
                  value={d.playlist_id ?? ''}
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
            </tr>
          ))}
        </Table>
      </section>

      <section className="card" aria-labelledby="assets-title">
        <h2 id="assets-title">{t('signage.library')}</h2>
        <Upload onDone={assets.reload} />
        <form
          className="row wrap"
          onSubmit={quickAdd(
            (f) =>
              api.post('/api/signage/assets', {
                body: {
                  name: formText(f, 'name'),
                  asset_type: formText(f, 'asset_type') as Asset['asset_type'],
                  uri: formText(f, 'uri'),
                  duration: Number(f.get('duration')) || undefined,
                  is_enabled: true,
                },
              }),
            assets.reload,
          )}
        >
          <label>
            {t('signage.linkName')} <input name="name" required />
          </label>
          <label>
            {t('common.type')}
            <select name="asset_type">
              <option value="webpage">{t('signage.webPage')}</option>
              <option value="image">{t('signage.imageUrl')}</option>
              <option value="video">{t('signage.videoUrl')}</option>
            </select>
          </label>
          <label>
            {t('signage.url')} <input name="uri" type="url" required />
          </label>
          <label>
            {t('common.seconds')} <input name="duration" type="number" min={1} defaultValue={10} />
          </label>
          <button type="submit">{t('signage.addLink')}</button>
        </form>
        {editing && (
          <AssetEditor
            key={editing.id + editing.updated_at}
            asset={editing}
            onDone={(changed) => (setEditingId(null), changed && assets.reload())}
          />
        )}
        <ul className="assets">
          {assets.data?.items.map((a) => (
            <li key={a.id} className="card" aria-label={t('signage.assetRow', { name: a.name })}>
              {a.asset_type === 'image' && a.is_uploaded ? (
                <AuthImage id={a.id} alt={a.name} />
              ) : (
                <span className="thumb">{assetTypeLabel(t, a.asset_type)}</span>
              )}
              <strong>{a.name}</strong>
              <span className="muted small">
                {assetTypeLabel(t, a.asset_type)} · {t('signage.seconds', { count: a.duration ?? 0 })} ·{' '}
                {a.is_active
                  ? t('signage.playing')
                  : a.is_enabled
                    ? t('signage.outsideDates')
                    : t('signage.disabled')}
              </span>
              <label className="check small">
                <input
                  type="checkbox"
                  checked={a.is_enabled}
                  onChange={(e) =>
                    void run(
                      () =>
                        api.patch('/api/signage/assets/{id}', {
                          path: { id: a.id },
                          body: { is_enabled: e.target.checked },
                        }),
                      assets.reload,
                    )
                  }
                />{' '}
                {t('common.enabled')}
              </label>
              {(a.start_date || a.end_date) && (
                <span className="small" data-testid="schedule">
                  {a.start_date ? a.start_date.slice(0, 16).replace('T', ' ') : '…'} →{' '}
                  {a.end_date ? a.end_date.slice(0, 16).replace('T', ' ') : '…'} ({a.timezone})
                </span>
              )}
              <button
                type="button"
                className="small ghost"
                onClick={() => setEditingId(a.id)}
                aria-label={t('signage.scheduleOf', { name: a.name })}
              >
                {t('signage.schedule')}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section className="card" aria-labelledby="pl-title">
        <h2 id="pl-title">{t('signage.playlists')}</h2>
        <form
          className="row"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            const form = e.currentTarget;
            const name = formText(new FormData(form), 'name');
            void run(async () => {
              await api.post('/api/signage/playlists', { body: { name } });
              form.reset();
            }, playlists.reload);
          }}
        >
          <label>
            {t('signage.newPlaylist')} <input name="name" required />
          </label>
          <button type="submit">{t('signage.create')}</button>
        </form>
        {playlists.data?.items.map((p) => (
          <PlaylistEditor
            key={p.id}
            playlist={p}
            assets={byId}
            all={assets.data?.items ?? []}
            onChange={(ids) =>
              void run(
                () =>
                  api.put('/api/signage/playlists/{id}/assets', {
                    path: { id: p.id },
                    body: { asset_ids: ids },
                  }),
                playlists.reload,
              )
            }
          />
        ))}
      </section>
    </Page>
  );
}

function Usage({
  label,
  used,
  max,
  text,
}: {
  label: string;
  used: number;
  max: number;
  text: (n: number) => string;
}) {
  const t = useT();
  return (
    <div className="usage-row">
      <span>{label}</span>
      <meter
        min={0}
        max={max}
        high={max * 0.9}
        value={used}
        aria-label={t('signage.used', { what: label })}
      />
      <span className="small">{t('signage.usedOf', { used: text(used), max: text(max) })}</span>
    </div>
  );
}

/** An uploaded image needs the session token, so it is fetched and shown as a blob URL. */
function AuthImage({ id, alt }: { id: string; alt: string }) {
  const img = useLoad(async () => {
    const res = await fetch(`/api/signage/assets/${id}/content`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    return res.ok ? URL.createObjectURL(await res.blob()) : '';
  }, [id]);
  const t = useT();
  return img.data ? (
    <img className="thumb" src={img.data} alt={alt} />
  ) : (
    <span className="thumb">{t('assetType.image')}</span>
  );
}

/** Multipart upload through XMLHttpRequest, the only browser API that reports upload progress. */
function Upload({ onDone }: { onDone: () => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const t = useT();
  const [error, setError] = useState('');
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const file = f.get('file') as File;
    const body = new FormData();
    body.set('name', formText(f, 'name') || file.name);
    body.set('duration', formText(f, 'duration') || '10');
    body.set('is_enabled', f.get('is_enabled') === 'on' ? 'true' : 'false');
    body.set('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/signage/assets/upload');
    xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (ev) =>
      ev.lengthComputable && setProgress(Math.round((ev.loaded / ev.total) * 100));
    xhr.onload = () => {
      setProgress(null);
      if (xhr.status >= 200 && xhr.status < 300) {
        setError('');
        form.reset();
        onDone();
      } else {
        const problem = JSON.parse(xhr.responseText || '{}') as { detail?: string; title?: string };
        setError(problem.detail || problem.title || t('signage.uploadFailed', { status: xhr.status }));
      }
    };
    xhr.onerror = () => (setProgress(null), setError(t('err.network')));
    setProgress(0);
    xhr.send(body);
  }
  return (
    <form className="row wrap" onSubmit={submit}>
      <label>
        {t('signage.file')} <input name="file" type="file" accept="image/*,video/*" required />
      </label>
      <label>
        {t('common.name')} <input name="name" />
      </label>
      <label>
        {t('common.seconds')} <input name="duration" type="number" min={1} defaultValue={10} />
      </label>
      <label className="check">
        <input name="is_enabled" type="checkbox" defaultChecked /> {t('common.enabled')}
      </label>
      <button type="submit" disabled={progress !== null}>
        {t('signage.upload')}
      </button>
      {progress !== null && <progress max={100} value={progress} aria-label={t('signage.uploadProgress')} />}
      <ErrorText>{error}</ErrorText>
    </form>
  );
}

function PlaylistEditor({
  playlist,
  assets,
  all,
  onChange,
}: {
  playlist: Playlist;
  assets: Map<string, Asset>;
  all: Asset[];
  onChange: (ids: string[]) => void;
}) {
  const ids = playlist.asset_ids;
  const t = useT();
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const moveTo = (from: number, to: number) => {
    if (from === to) return;
    const next = [...ids];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    onChange(next);
  };
  return (
    <details className="playlist" open>
      <summary>
        <strong>{playlist.name}</strong>{' '}
        {playlist.is_default && <span className="badge">{t('signage.default')}</span>}{' '}
        <span className="muted small">{t('signage.items', { count: ids.length })}</span>
      </summary>
      <p className="muted small">{t('signage.reorderHelp')}</p>
      <ol aria-label={t('signage.itemsOf', { name: playlist.name })}>
        {ids.map((id, i) => (
          <li
            key={`${id}-${i}`}
            className={[
              'row playlist-item',
              dragged === i && 'dragging',
              over === i && dragged !== i && 'drop-target',
            ]
              .filter(Boolean)
              .join(' ')}
            draggable
            data-testid="playlist-item"
            onDragStart={(e) => {
              setDragged(i);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', String(i));
            }}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setOver(i);
            }}
            onDragLeave={() => setOver((o) => (o === i ? null : o))}
            onDrop={(e) => {
              e.preventDefault();
              const from = dragged ?? Number(e.dataTransfer.getData('text/plain'));
              setDragged(null);
              setOver(null);
              if (Number.isInteger(from)) moveTo(from, i);
            }}
            onDragEnd={() => (setDragged(null), setOver(null))}
          >
            <span className="handle" aria-hidden="true" title={t('signage.drag')}>
              ⠿
            </span>
            <span className="grow">{assets.get(id)?.name ?? id}</span>
            <button
              type="button"
              className="small ghost"
              disabled={i === 0}
              onClick={() => moveTo(i, 0)}
              aria-label={t('signage.moveTop', { name: assets.get(id)?.name ?? id })}
              title={t('signage.moveTopShort')}
            >
              {t('signage.top')}
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={i === 0}
              onClick={() => moveTo(i, i - 1)}
              aria-label={t('signage.moveUp', { name: assets.get(id)?.name ?? id })}
            >
              ↑
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={i === ids.length - 1}
              onClick={() => moveTo(i, i + 1)}
              aria-label={t('signage.moveDown', { name: assets.get(id)?.name ?? id })}
            >
              ↓
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={i === ids.length - 1}
              onClick={() => moveTo(i, ids.length - 1)}
              aria-label={t('signage.moveBottom', { name: assets.get(id)?.name ?? id })}
              title={t('signage.moveBottomShort')}
            >
              {t('signage.bottom')}
            </button>
            <button
              type="button"
              className="small ghost"
              onClick={() => onChange(ids.filter((_, j) => j !== i))}
              aria-label={t('signage.removeItem', { name: assets.get(id)?.name ?? id })}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <label className="inline">
        {t('signage.addAsset')}{' '}
        <select value="" onChange={(e) => e.target.value && onChange([...ids, e.target.value])}>
          <option value="">{t('signage.choose')}</option>
          <Options items={all} label={(a) => a.name} />
        </select>
      </label>
    </details>
  );
}

/** Files need the session token, so previews of uploaded images and videos play from a blob URL. */
function useAuthBlob(asset: Asset) {
  return useLoad(async () => {
    if (!asset.is_uploaded) return asset.uri;
    const res = await fetch(`/api/signage/assets/${asset.id}/content`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    return res.ok ? URL.createObjectURL(await res.blob()) : '';
  }, [asset.id, asset.updated_at]);
}

function Preview({ asset }: { asset: Asset }) {
  const src = useAuthBlob(asset).data;
  const t = useT();
  const label = t('signage.previewOf', { name: asset.name });
  if (!src) return <div className="preview thumb">{t('signage.loadingPreview')}</div>;
  if (asset.asset_type === 'image') return <img className="preview" src={src} alt={label} />;
  if (asset.asset_type === 'video')
    return <video className="preview" src={src} controls muted aria-label={label} />;
  if (asset.asset_type === 'webpage')
    return <iframe className="preview" src={src} title={label} sandbox="allow-scripts allow-same-origin" />;
  return (
    <p className="preview thumb">
      {t('signage.streamNoPreview')} <code>{asset.uri}</code>
    </p>
  );
}

/**
 * Start/end are wall-clock times in the asset's time zone (no offset), exactly what a
 * `datetime-local` input holds; an empty bound means "no limit".
 */
function AssetEditor({ asset, onDone }: { asset: Asset; onDone: (changed: boolean) => void }) {
  const form = useSubmit();
  const t = useT();
  const wall = (v: string) => (v ? `${v}:00`.slice(0, 19) : null);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const ok = await form.run(() =>
      api.patch('/api/signage/assets/{id}', {
        path: { id: asset.id },
        body: {
          name: formText(f, 'name').trim(),
          start_date: wall(formText(f, 'start_date')),
          end_date: wall(formText(f, 'end_date')),
          duration: Number(f.get('duration')),
          timezone: formText(f, 'timezone').trim(),
          is_enabled: f.get('is_enabled') === 'on',
        },
      }),
    );
    if (ok) onDone(true);
  }
  return (
    <section className="card asset-editor" aria-label={t('signage.scheduleTitle', { name: asset.name })}>
      <div className="asset-editor-body">
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <h3>{t('signage.scheduleTitle', { name: asset.name })}</h3>
          <Field label={t('signage.assetName')} name="name" errors={form.fields}>
            <input defaultValue={asset.name} />
          </Field>
          <div className="grid2">
            <Field
              label={t('signage.playsFrom', { zone: asset.timezone })}
              name="start_date"
              errors={form.fields}
              hint={t('signage.noStart')}
            >
              <input type="datetime-local" defaultValue={asset.start_date?.slice(0, 16) ?? ''} />
            </Field>
            <Field
              label={t('signage.playsUntil', { zone: asset.timezone })}
              name="end_date"
              errors={form.fields}
              hint={t('signage.noEnd')}
            >
              <input type="datetime-local" defaultValue={asset.end_date?.slice(0, 16) ?? ''} />
            </Field>
            <Field label={t('signage.duration')} name="duration" errors={form.fields}>
              <input type="number" min={1} defaultValue={asset.duration} />
            </Field>
            <Field label={t('signage.zone')} name="timezone" errors={form.fields}>
              <input defaultValue={asset.timezone} />
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" name="is_enabled" defaultChecked={asset.is_enabled} />{' '}
            {t('common.enabled')}
          </label>
          <FormActions
            form={form}
            submit={t('signage.saveSchedule')}
            onCancel={() => onDone(false)}
            cancelLabel={t('common.close')}
          />
        </form>
        <div>
          <h3>{t('signage.preview')}</h3>
          <Preview asset={asset} />
          <p className="muted small">
            {assetTypeLabel(t, asset.asset_type)} · {t('signage.plays', { count: asset.duration ?? 0 })}
            {asset.asset_type === 'video' ? ` ${t('signage.untilVideoEnds')}` : ''} ·{' '}
            {asset.is_active
              ? t('signage.onAir')
              : asset.is_enabled
                ? t('signage.outsideDates')
                : t('signage.disabled')}
          </p>
        </div>
      </div>
    </section>
  );
}
