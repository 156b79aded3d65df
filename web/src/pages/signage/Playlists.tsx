import { useState, type FormEvent } from 'react';
import { api, type Answer } from '../../api/client';
import { useT } from '../../i18n';
import type { Key } from '../../i18n/en';
import { ErrorText, FormActions, Options, Page, useLoad, useSubmit, formText } from '../../ui';
import { DayPartsEditor, DayPartsText, dayPartsOf, type DayPart } from './DayParts';
import { DatesText, Thumb, useRun, type Asset, type Playlist } from './shared';

type Schedule = Answer<'/api/signage/schedules', 'get'>['items'][number];

/** Playlists: ordered assets, each row with its picture, its time on screen and when it plays. */
export function Playlists() {
  const t = useT();
  const { error, run } = useRun();
  const assets = useLoad(() => api.get('/api/signage/assets', { query: { limit: 200 } }), []);
  const playlists = useLoad(() => api.get('/api/signage/playlists', { query: { limit: 100 } }), []);
  const schedules = useLoad(() => api.get('/api/signage/schedules', { query: { limit: 200 } }), []);
  const byId = new Map(assets.data?.items.map((a) => [a.id, a]));
  return (
    <Page title={t('signage.playlists')}>
      <ErrorText>{error || assets.error || playlists.error || schedules.error}</ErrorText>
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
            schedules={schedules.data?.items.filter((s) => s.playlist_id === p.id) ?? []}
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
            onReload={playlists.reload}
          />
        ))}
      </section>
    </Page>
  );
}

function PlaylistEditor({
  playlist,
  assets,
  all,
  schedules,
  onChange,
  onReload,
}: {
  playlist: Playlist;
  assets: Map<string, Asset>;
  all: Asset[];
  schedules: Schedule[];
  onChange: (ids: string[]) => void;
  onReload: () => void;
}) {
  const ids = playlist.asset_ids;
  const t = useT();
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [timing, setTiming] = useState<string | null>(null);
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
        <span className="muted small">{t('signage.items', { count: ids.length })}</span>{' '}
        <span className="muted small" aria-label={t('signage.loopLength')}>
          ·{' '}
          {t('signage.seconds', { count: ids.reduce((sum, id) => sum + (assets.get(id)?.duration ?? 0), 0) })}
        </span>
        {schedules.map((s) => (
          <span key={s.id} className="muted small" data-testid="playlist-schedule">
            {' '}
            · {t('signage.scheduledBy', { name: s.name })} <DayPartsText dayparts={s.dayparts} />
          </span>
        ))}
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
            <ItemSummary
              id={id}
              asset={assets.get(id)}
              entry={playlist.entries.find((e) => e.asset_id === id)?.dayparts ?? []}
            />
            <button
              type="button"
              className="small ghost"
              aria-expanded={timing === id}
              onClick={() => setTiming((v) => (v === id ? null : id))}
              aria-label={t('signage.whenOf', { name: assets.get(id)?.name ?? id })}
            >
              {t('signage.when')}
            </button>
            <MoveButtons at={i} last={ids.length - 1} name={assets.get(id)?.name ?? id} moveTo={moveTo} />
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
      {timing && (
        <EntryTiming
          key={timing}
          playlist={playlist}
          assetId={timing}
          name={assets.get(timing)?.name ?? timing}
          onDone={(changed) => (setTiming(null), changed && onReload())}
        />
      )}
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

/** When one entry plays in this playlist: its day-part windows, or any time. */
function EntryTiming({
  playlist,
  assetId,
  name,
  onDone,
}: {
  playlist: Playlist;
  assetId: string;
  name: string;
  onDone: (changed: boolean) => void;
}) {
  const t = useT();
  const form = useSubmit();
  const current = playlist.entries.find((e) => e.asset_id === assetId)?.dayparts;
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const dayparts = dayPartsOf(new FormData(e.currentTarget));
    if (!dayparts) return;
    const ok = await form.run(() =>
      api.put('/api/signage/playlists/{id}/entries/{assetId}/dayparts', {
        path: { id: playlist.id, assetId },
        body: { dayparts },
      }),
    );
    if (ok) onDone(true);
  }
  return (
    <form
      className="card form"
      aria-label={t('signage.whenOf', { name })}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <p className="muted small">{t('signage.entryHelp', { name, playlist: playlist.name })}</p>
      <DayPartsEditor value={current} error={form.fields.dayparts} />
      <FormActions
        form={form}
        submit={t('signage.saveWhen')}
        onCancel={() => onDone(false)}
        cancelLabel={t('common.close')}
      />
    </form>
  );
}

/** A playlist row: picture, name, seconds on screen and when it plays. */
function ItemSummary({ id, asset, entry }: { id: string; asset: Asset | undefined; entry: DayPart[] }) {
  const t = useT();
  if (!asset) return <span className="grow">{id}</span>;
  return (
    <>
      <Thumb asset={asset} />
      <span className="grow">
        {asset.name}{' '}
        <span className="muted small" data-testid="item-duration">
          {t('signage.seconds', { count: asset.duration })}
        </span>{' '}
        {asset.is_enabled ? (
          <DatesText asset={asset} />
        ) : (
          <span className="small">{t('signage.disabled')}</span>
        )}{' '}
        <DayPartsText dayparts={asset.dayparts} />
        {/* Both must hold: the entry's windows narrow the asset's within this playlist. */}
        {entry.length > 0 && (
          <>
            {' '}
            {t('signage.andHere')} <DayPartsText dayparts={entry} />
          </>
        )}
      </span>
    </>
  );
}

/** Where an item's buttons move it: to the top, one up, one down, to the bottom (keyboard path of the drag). */
function MoveButtons({
  at,
  last,
  name,
  moveTo,
}: {
  at: number;
  last: number;
  name: string;
  moveTo: (from: number, to: number) => void;
}) {
  const t = useT();
  const moves: Array<{ to: number; label: Key; title?: Key; text: string }> = [
    { to: 0, label: 'signage.moveTop', title: 'signage.moveTopShort', text: t('signage.top') },
    { to: at - 1, label: 'signage.moveUp', text: '↑' },
    { to: at + 1, label: 'signage.moveDown', text: '↓' },
    { to: last, label: 'signage.moveBottom', title: 'signage.moveBottomShort', text: t('signage.bottom') },
  ];
  return moves.map((m) => (
    <button
      key={m.label}
      type="button"
      className="small ghost"
      disabled={m.to < 0 || m.to > last || m.to === at}
      onClick={() => moveTo(at, m.to)}
      aria-label={t(m.label, { name })}
      title={m.title && t(m.title)}
    >
      {m.text}
    </button>
  ));
}
