import { useState, type FormEvent } from 'react';
import { api, messageOf, session, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import {
  ErrorText,
  Field,
  fmtDateTime,
  FormActions,
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
      setError(messageOf(err));
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
    <Page title="Signage">
      <ErrorText>{error || assets.error || playlists.error || devices.error}</ErrorText>
      {limits.data && (
        <section className="card usage" aria-label="Usage against plan limits">
          <h2>Plan: {limits.data.plan}</h2>
          <Usage label="Assets" used={limits.data.usage.assets} max={limits.data.limits.max_assets} />
          <Usage label="Screens" used={limits.data.usage.devices} max={limits.data.limits.max_devices} />
          <Usage
            label="Storage (GB)"
            used={Math.round(limits.data.usage.storage_gb * 100) / 100}
            max={limits.data.limits.max_storage_gb}
          />
        </section>
      )}

      <section className="card" aria-labelledby="screens-title">
        <h2 id="screens-title">Screens</h2>
        {access.isOrgAdmin && (
          <form
            className="row wrap"
            onSubmit={quickAdd(
              (f) =>
                api.post('/api/signage/devices/claim', {
                  body: {
                    code: formText(f, 'code'),
                    name: formText(f, 'name'),
                    playlist_id: formText(f, 'playlist_id') || null,
                  },
                }),
              devices.reload,
            )}
          >
            <label>
              Pairing code <input name="code" required autoComplete="off" />
            </label>
            <label>
              Screen name <input name="name" required />
            </label>
            <label>
              Playlist
              <select name="playlist_id">
                <option value="">Default playlist</option>
                <Options items={playlists.data?.items} label={(p) => p.name} />
              </select>
            </label>
            <button type="submit">Claim screen</button>
          </form>
        )}
        <Table columns={['Screen', 'State', 'Last seen', 'Playlist']}>
          {devices.data?.items.map((d) => (
            <tr key={d.id}>
              <td>
                {d.name} <span className="muted small">{d.location}</span>
              </td>
              <td>
                <span className={`badge ${d.is_online ? 'on' : 'off'}`}>
                  {d.is_online ? 'online' : 'offline'}
                </span>
              </td>
              <td>{d.last_seen ? fmtDateTime(d.last_seen) : 'never'}</td>
              <td>
                <select
                  aria-label={`Playlist of ${d.name}`}
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
                  <option value="">Default playlist</option>
                  <Options items={playlists.data?.items} label={(p) => p.name} />
                </select>
              </td>
            </tr>
          ))}
        </Table>
      </section>

      <section className="card" aria-labelledby="assets-title">
        <h2 id="assets-title">Asset library</h2>
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
            Link name <input name="name" required />
          </label>
          <label>
            Type
            <select name="asset_type">
              <option value="webpage">Web page</option>
              <option value="image">Image URL</option>
              <option value="video">Video URL</option>
            </select>
          </label>
          <label>
            URL <input name="uri" type="url" required />
          </label>
          <label>
            Seconds <input name="duration" type="number" min={1} defaultValue={10} />
          </label>
          <button type="submit">Add link</button>
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
            <li key={a.id} className="card" aria-label={`Asset ${a.name}`}>
              {a.asset_type === 'image' && a.is_uploaded ? (
                <AuthImage id={a.id} alt={a.name} />
              ) : (
                <span className="thumb">{a.asset_type}</span>
              )}
              <strong>{a.name}</strong>
              <span className="muted small">
                {a.asset_type} · {a.duration ?? '—'} s ·{' '}
                {a.is_active ? 'playing' : a.is_enabled ? 'outside its dates' : 'disabled'}
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
                Enabled
              </label>
              {(a.start_date || a.end_date) && (
                <span className="small" data-testid="schedule">
                  {a.start_date ? a.start_date.slice(0, 16).replace('T', ' ') : '…'} →{' '}
                  {a.end_date ? a.end_date.slice(0, 16).replace('T', ' ') : '…'}
                </span>
              )}
              <button
                type="button"
                className="small ghost"
                onClick={() => setEditingId(a.id)}
                aria-label={`Schedule and preview of ${a.name}`}
              >
                Schedule & preview
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section className="card" aria-labelledby="pl-title">
        <h2 id="pl-title">Playlists</h2>
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
            New playlist <input name="name" required />
          </label>
          <button type="submit">Create</button>
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

function Usage({ label, used, max }: { label: string; used: number; max: number }) {
  return (
    <div className="usage-row">
      <span>{label}</span>
      <meter min={0} max={max} high={max * 0.9} value={used} aria-label={`${label} used`} />
      <span className="small">
        {used} / {max}
      </span>
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
  return img.data ? <img className="thumb" src={img.data} alt={alt} /> : <span className="thumb">image</span>;
}

/** Multipart upload through XMLHttpRequest, the only browser API that reports upload progress. */
function Upload({ onDone }: { onDone: () => void }) {
  const [progress, setProgress] = useState<number | null>(null);
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
        setError(problem.detail || problem.title || `Upload failed (${xhr.status})`);
      }
    };
    xhr.onerror = () => (setProgress(null), setError('Upload failed: network error'));
    setProgress(0);
    xhr.send(body);
  }
  return (
    <form className="row wrap" onSubmit={submit}>
      <label>
        Image or video <input name="file" type="file" accept="image/*,video/*" required />
      </label>
      <label>
        Name <input name="name" />
      </label>
      <label>
        Seconds <input name="duration" type="number" min={1} defaultValue={10} />
      </label>
      <label className="check">
        <input name="is_enabled" type="checkbox" defaultChecked /> Enabled
      </label>
      <button type="submit" disabled={progress !== null}>
        Upload
      </button>
      {progress !== null && <progress max={100} value={progress} aria-label="Upload progress" />}
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
        <strong>{playlist.name}</strong> {playlist.is_default && <span className="badge">default</span>}{' '}
        <span className="muted small">{ids.length} items</span>
      </summary>
      <p className="muted small">
        Drag an item by its handle to reorder, or use the buttons (Top, ↑, ↓, Bottom).
      </p>
      <ol aria-label={`Items of ${playlist.name}`}>
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
            <span className="handle" aria-hidden="true" title="Drag to reorder">
              ⠿
            </span>
            <span className="grow">{assets.get(id)?.name ?? id}</span>
            <button
              type="button"
              className="small ghost"
              disabled={i === 0}
              onClick={() => moveTo(i, 0)}
              aria-label={`Move ${assets.get(id)?.name} to the top`}
              title="Move to top"
            >
              Top
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={i === 0}
              onClick={() => moveTo(i, i - 1)}
              aria-label={`Move ${assets.get(id)?.name} up`}
            >
              ↑
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={i === ids.length - 1}
              onClick={() => moveTo(i, i + 1)}
              aria-label={`Move ${assets.get(id)?.name} down`}
            >
              ↓
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={i === ids.length - 1}
              onClick={() => moveTo(i, ids.length - 1)}
              aria-label={`Move ${assets.get(id)?.name} to the bottom`}
              title="Move to bottom"
            >
              Bottom
            </button>
            <button
              type="button"
              className="small ghost"
              onClick={() => onChange(ids.filter((_, j) => j !== i))}
              aria-label={`Remove ${assets.get(id)?.name}`}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <label className="inline">
        Add asset{' '}
        <select value="" onChange={(e) => e.target.value && onChange([...ids, e.target.value])}>
          <option value="">Choose…</option>
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
  if (!src) return <div className="preview thumb">loading preview…</div>;
  if (asset.asset_type === 'image')
    return <img className="preview" src={src} alt={`Preview of ${asset.name}`} />;
  if (asset.asset_type === 'video')
    return <video className="preview" src={src} controls muted aria-label={`Preview of ${asset.name}`} />;
  if (asset.asset_type === 'webpage')
    return (
      <iframe
        className="preview"
        src={src}
        title={`Preview of ${asset.name}`}
        sandbox="allow-scripts allow-same-origin"
      />
    );
  return (
    <p className="preview thumb">
      Stream <code>{asset.uri}</code>: no preview in the browser.
    </p>
  );
}

/**
 * Start/end are wall-clock times in the asset's time zone (no offset), exactly what a
 * `datetime-local` input holds; an empty bound means "no limit".
 */
function AssetEditor({ asset, onDone }: { asset: Asset; onDone: (changed: boolean) => void }) {
  const form = useSubmit();
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
    <section className="card asset-editor" aria-label={`Schedule of ${asset.name}`}>
      <div className="asset-editor-body">
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <h3>Schedule of {asset.name}</h3>
          <Field label="Asset name" name="name" errors={form.fields}>
            <input defaultValue={asset.name} />
          </Field>
          <div className="grid2">
            <Field label="Plays from" name="start_date" errors={form.fields} hint="empty: no start limit">
              <input type="datetime-local" defaultValue={asset.start_date?.slice(0, 16) ?? ''} />
            </Field>
            <Field label="Plays until" name="end_date" errors={form.fields} hint="empty: no end limit">
              <input type="datetime-local" defaultValue={asset.end_date?.slice(0, 16) ?? ''} />
            </Field>
            <Field label="Duration (seconds)" name="duration" errors={form.fields}>
              <input type="number" min={1} defaultValue={asset.duration} />
            </Field>
            <Field label="Time zone of the dates" name="timezone" errors={form.fields}>
              <input defaultValue={asset.timezone} />
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" name="is_enabled" defaultChecked={asset.is_enabled} /> Enabled
          </label>
          <FormActions
            form={form}
            submit="Save schedule"
            onCancel={() => onDone(false)}
            cancelLabel="Close"
          />
        </form>
        <div>
          <h3>Preview</h3>
          <Preview asset={asset} />
          <p className="muted small">
            {asset.asset_type} · plays {asset.duration} s
            {asset.asset_type === 'video' ? ' or until the video ends' : ''} ·{' '}
            {asset.is_active ? 'on air now' : asset.is_enabled ? 'outside its dates' : 'disabled'}
          </p>
        </div>
      </div>
    </section>
  );
}
