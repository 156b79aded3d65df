import { useState } from 'react';
import { api, session, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n, useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { assetTypeLabel } from '../../i18n/labels';
import { useLoad } from '../../ui';

export type Asset = Answer<'/api/signage/assets', 'get'>['items'][number];
export type Playlist = Answer<'/api/signage/playlists', 'get'>['items'][number];

/** Runs a change, then reloads what it touched; a refusal becomes the page's error line. */
export function useRun() {
  const t = useT();
  const [error, setError] = useState('');
  const run = async (fn: () => Promise<unknown>, reload: () => void) => {
    setError('');
    try {
      await fn();
      reload();
    } catch (err) {
      setError(problemMessage(t, err));
    }
  };
  return { error, run };
}

/** Uploaded files need the session token, so they are fetched and shown from a blob URL. */
export function useAuthBlob(asset: Pick<Asset, 'id' | 'is_uploaded' | 'uri' | 'updated_at'>) {
  return useLoad(async () => {
    if (!asset.is_uploaded) return asset.uri;
    const res = await fetch(`/api/signage/assets/${asset.id}/content`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    return res.ok ? URL.createObjectURL(await res.blob()) : '';
  }, [asset.id, asset.updated_at]);
}

/** A small picture of an asset: the image itself when uploaded, else its type. */
export function Thumb({ asset }: { asset: Asset }) {
  const t = useT();
  if (asset.asset_type === 'image' && asset.is_uploaded) return <UploadedImage asset={asset} />;
  return <span className="thumb">{assetTypeLabel(t, asset.asset_type)}</span>;
}

function UploadedImage({ asset }: { asset: Asset }) {
  const img = useAuthBlob(asset);
  const t = useT();
  return img.data ? (
    <img className="thumb" src={img.data} alt={asset.name} />
  ) : (
    <span className="thumb">{t('assetType.image')}</span>
  );
}

/** The asset's dates, written as the screens read them (wall clock of the asset's zone). */
export function DatesText({ asset }: { asset: Asset }) {
  if (!asset.start_date && !asset.end_date) return null;
  return (
    <span className="small" data-testid="schedule">
      {asset.start_date ? asset.start_date.slice(0, 16).replace('T', ' ') : '…'} →{' '}
      {asset.end_date ? asset.end_date.slice(0, 16).replace('T', ' ') : '…'} ({asset.timezone})
    </span>
  );
}

/** Plan usage (admins): assets, screens and storage against the plan's limits. */
export function PlanUsage({ reloadOn }: { reloadOn: unknown[] }) {
  const { access } = useSession();
  const { t, fmt } = useI18n();
  const limits = useLoad(
    () => (access.isOrgAdmin ? api.get('/api/signage/limits') : Promise.resolve(null)),
    reloadOn,
  );
  if (!limits.data) return null;
  const { plan, usage, limits: max } = limits.data;
  return (
    <section className="card usage" aria-label={t('signage.usage')}>
      <h2>{t('signage.plan', { plan })}</h2>
      <Usage
        label={t('signage.assets')}
        used={usage.assets}
        max={max.max_assets}
        text={(n) => fmt.number(n)}
      />
      <Usage
        label={t('signage.screens')}
        used={usage.devices}
        max={max.max_devices}
        text={(n) => fmt.number(n)}
      />
      {/* Bytes, not rounded gigabytes: a few uploaded megabytes must not read as 0. */}
      <Usage
        label={t('signage.storage')}
        used={usage.storage_bytes}
        max={max.max_storage_gb * 1e9}
        text={(n) => fmt.bytes(n)}
      />
    </section>
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
