import { useState } from 'react';
import { api, session, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n, useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { assetTypeLabel } from '../../i18n/labels';
import { formText, useLoad } from '../../ui';

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

export type DayPart = Asset['dayparts'][number];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** Short weekday names of the console's language, Monday first (ISO 1–7). */
export function useWeekdays(): Record<number, string> {
  const { lang } = useI18n();
  const name = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Object.fromEntries(WEEKDAYS.map((d) => [d, name.format(Date.UTC(2024, 0, d))]));
}

/** "Mon Fri 22:00–02:00" for each window, or "any time". */
export function DayPartsText({ dayparts }: { dayparts: DayPart[] }) {
  const t = useT();
  const names = useWeekdays();
  if (dayparts.length === 0) return <span className="small muted">{t('signage.anyTime')}</span>;
  return (
    <span className="small" data-testid="dayparts">
      {dayparts.map((w) => `${w.days.map((d) => names[d]).join(' ')} ${w.from}–${w.until}`).join(' · ')}
    </span>
  );
}

/**
 * The day-part of a form (one window): the weekdays ticked and a from/until pair on the screen's
 * clock. Nothing ticked and no times means "at any time" (an empty list). A `until` of 00:00 is
 * midnight at the end of the day, and an `until` before `from` runs overnight.
 */
export function dayPartsOf(f: FormData): DayPart[] {
  const days = f.getAll('day').map(Number);
  const from = formText(f, 'from');
  const until = formText(f, 'until');
  if (days.length === 0 && !from && !until) return [];
  return [{ days, from: from || '00:00', until: !until || until === '00:00' ? '24:00' : until }];
}

/** Weekday boxes and a time window, filled from `value` (the first window); errors under them. */
export function DayPartFields({ value, error }: { value?: DayPart; error?: string }) {
  const t = useT();
  const names = useWeekdays();
  return (
    <fieldset className={error ? 'field invalid' : 'field'}>
      <legend>{t('signage.daypart')}</legend>
      <div className="row wrap">
        {WEEKDAYS.map((d) => (
          <label key={d} className="check small">
            <input type="checkbox" name="day" value={d} defaultChecked={value?.days.includes(d)} /> {names[d]}
          </label>
        ))}
      </div>
      <div className="row wrap">
        <label>
          {t('signage.from')} <input type="time" name="from" defaultValue={value?.from} />
        </label>
        <label>
          {t('signage.until')}{' '}
          <input type="time" name="until" defaultValue={value?.until === '24:00' ? '00:00' : value?.until} />
        </label>
      </div>
      <span className="muted small">{t('signage.daypartHelp')}</span>
      {error && (
        <span className="error small field-error" data-field="dayparts">
          {error}
        </span>
      )}
    </fieldset>
  );
}
