import { useState, type FormEvent } from 'react';
import { api, session } from '../../api/client';
import { useT } from '../../i18n';
import { assetTypeLabel } from '../../i18n/labels';
import { ErrorText, Field, FormActions, Page, useLoad, useSubmit, formText } from '../../ui';
import { DayPartsEditor, DayPartsText, dayPartsOf } from './DayParts';
import { DatesText, PlanUsage, Thumb, useAuthBlob, useRun, type Asset } from './shared';

/** The asset library: uploads and links, each with its dates, duration and a preview. */
export function Library() {
  const t = useT();
  const { error, run } = useRun();
  const [editingId, setEditingId] = useState<string | null>(null);
  const assets = useLoad(() => api.get('/api/signage/assets', { query: { limit: 200 } }), []);
  /** A quick-add form: sends what it holds, then empties itself and reloads the list. */
  const quickAdd = (send: (f: FormData) => Promise<unknown>) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void run(async () => {
      await send(f);
      form.reset();
    }, assets.reload);
  };
  const editing = assets.data?.items.find((a) => a.id === editingId);
  return (
    <Page title={t('signage.library')}>
      <ErrorText>{error || assets.error}</ErrorText>
      <PlanUsage reloadOn={[assets.data]} />
      <section className="card" aria-labelledby="assets-title">
        <h2 id="assets-title">{t('signage.assets')}</h2>
        <Upload onDone={assets.reload} />
        <form
          className="row wrap"
          onSubmit={quickAdd((f) =>
            api.post('/api/signage/assets', {
              body: {
                name: formText(f, 'name'),
                asset_type: formText(f, 'asset_type') as Asset['asset_type'],
                uri: formText(f, 'uri'),
                duration: Number(f.get('duration')) || undefined,
                is_enabled: true,
              },
            }),
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
              <Thumb asset={a} />
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
              <DatesText asset={a} />
              <DayPartsText dayparts={a.dayparts} />
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
    </Page>
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
    const dayparts = dayPartsOf(f);
    if (!dayparts) return;
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
          dayparts,
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
            <WallClockField
              name="start_date"
              label={t('signage.playsFrom', { zone: asset.timezone })}
              hint={t('signage.noStart')}
              value={asset.start_date}
              errors={form.fields}
            />
            <WallClockField
              name="end_date"
              label={t('signage.playsUntil', { zone: asset.timezone })}
              hint={t('signage.noEnd')}
              value={asset.end_date}
              errors={form.fields}
            />
            <Field label={t('signage.duration')} name="duration" errors={form.fields}>
              <input type="number" min={1} defaultValue={asset.duration} />
            </Field>
            <Field label={t('signage.zone')} name="timezone" errors={form.fields}>
              <input defaultValue={asset.timezone} />
            </Field>
          </div>
          <DayPartsEditor value={asset.dayparts} error={form.fields.dayparts} />
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

/** A start or end of the asset: its wall-clock time, to the minute; empty is no limit. */
function WallClockField({
  name,
  label,
  hint,
  value,
  errors,
}: {
  name: string;
  label: string;
  hint: string;
  value: string | null;
  errors: Record<string, string>;
}) {
  return (
    <Field label={label} name={name} errors={errors} hint={hint}>
      <input type="datetime-local" defaultValue={value?.slice(0, 16) ?? ''} />
    </Field>
  );
}
