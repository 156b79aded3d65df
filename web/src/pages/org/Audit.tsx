import { useState } from 'react';
import { allPages, api, type Answer } from '../../api/client';
import { useI18n, viewerZone, type T } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { Link } from '../../router';
import { downloadFile, ErrorText, Page, Table, useLoad, viewerZoneLabel } from '../../ui';
import { actionLabel, kindLabel, pageOfKind } from './audit-kinds';

type Entry = Answer<'/api/audit', 'get'>['items'][number];
interface Filters {
  actor: string;
  entity_type: string;
  action: string;
  entity_id: string;
  entity_name: string;
  from: string;
  until: string;
}
const NO_FILTER: Filters = {
  actor: '',
  entity_type: '',
  action: '',
  entity_id: '',
  entity_name: '',
  from: '',
  until: '',
};

/** A day picked in the viewer's zone as the instant it starts; `next` gives the following day's. */
function dayStart(day: string, next = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  return new Date(+m[1], +m[2] - 1, +m[3] + (next ? 1 : 0)).toISOString();
}

/** The API's query for the filters: the day range covers the last day whole. */
function queryOf(f: Filters) {
  return {
    actor: f.actor ? Number(f.actor) : undefined,
    entity_type: f.entity_type || undefined,
    entity_id: f.entity_id || undefined,
    action: f.action || undefined,
    from: dayStart(f.from),
    to: dayStart(f.until, true),
  };
}

/** The organization's history: who did what to which record, when, and what changed. */
export function Audit() {
  const { t, fmt } = useI18n();
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const [cursor, setCursor] = useState<string | undefined>();
  const [exportError, setExportError] = useState('');
  const set = (change: Partial<Filters>) => (setFilters((f) => ({ ...f, ...change })), setCursor(undefined));
  const members = useLoad(
    () => allPages((c) => api.get('/api/members', { query: { limit: 200, cursor: c } })),
    [],
  );
  const kinds = useLoad(
    () => api.get('/api/audit/kinds', { query: { entity_type: filters.entity_type || undefined } }),
    [filters.entity_type],
  );
  const log = useLoad(
    () => api.get('/api/audit', { query: { ...queryOf(filters), cursor, limit: 50 } }),
    [filters, cursor],
  );
  const zone = viewerZone();

  async function exportCsv() {
    setExportError('');
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(queryOf(filters))) if (v !== undefined) qs.set(k, String(v));
    try {
      await downloadFile(`/api/audit/export.csv?${qs.toString()}`, 'audit-log.csv');
    } catch (err) {
      setExportError(problemMessage(t, err));
    }
  }

  return (
    <Page
      title={t('nav.audit')}
      actions={
        <button type="button" onClick={() => void exportCsv()} title={t('audit.exportHint')}>
          {t('audit.export')}
        </button>
      }
    >
      <ErrorText>{exportError}</ErrorText>
      <div className="filters" role="search">
        <label>
          {t('audit.who')}{' '}
          <select value={filters.actor} onChange={(e) => set({ actor: e.target.value })}>
            <option value="">{t('audit.anyone')}</option>
            {members.data?.map((m) => (
              <option key={m.user.id} value={m.user.id}>
                {m.user.full_name || m.user.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.kind')}{' '}
          <select
            value={filters.entity_type}
            onChange={(e) => set({ entity_type: e.target.value, action: '', entity_id: '', entity_name: '' })}
          >
            <option value="">{t('audit.anyKind')}</option>
            {kinds.data?.entity_types.map((k) => (
              <option key={k} value={k}>
                {kindLabel(t, k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.action')}{' '}
          <select
            value={filters.action}
            disabled={!filters.entity_type}
            onChange={(e) => set({ action: e.target.value })}
          >
            <option value="">{t('audit.anyAction')}</option>
            {kinds.data?.actions.map((a) => (
              <option key={a} value={a}>
                {actionLabel(t, a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.from', { zone })}{' '}
          <input type="date" value={filters.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          {t('audit.until', { zone })}{' '}
          <input type="date" value={filters.until} onChange={(e) => set({ until: e.target.value })} />
        </label>
      </div>
      {filters.entity_id && (
        <p className="notice">
          {t('audit.entityFilter', {
            kind: kindLabel(t, filters.entity_type),
            name: filters.entity_name || t('audit.unnamed', { id: filters.entity_id }),
          })}{' '}
          <button type="button" className="link" onClick={() => set({ entity_id: '', entity_name: '' })}>
            {t('audit.clearEntity')}
          </button>
        </p>
      )}
      <ErrorText>{log.error || members.error || kinds.error}</ErrorText>
      <Table
        columns={[viewerZoneLabel(t('audit.when')), t('audit.who'), t('audit.action'), t('audit.what'), '']}
      >
        {log.data?.items.map((a) => (
          <tr key={a.id}>
            <td>{fmt.dateTime(a.created_at)}</td>
            <td title={a.actor}>{a.actor_name}</td>
            <td>{actionLabel(t, a.action)}</td>
            <td>
              <span className="muted small">{kindLabel(t, a.entity_type)}</span>{' '}
              <EntityName entry={a} t={t} />
              {a.entity_id && !filters.entity_id && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="link small"
                    onClick={() =>
                      set({
                        entity_type: a.entity_type,
                        entity_id: a.entity_id ?? '',
                        entity_name: a.entity_name ?? '',
                        action: '',
                      })
                    }
                  >
                    {t('audit.onlyThis', { name: a.entity_name ?? kindLabel(t, a.entity_type) })}
                  </button>
                </>
              )}
            </td>
            <td>
              {a.message}
              {a.diff && Object.keys(a.diff).length > 0 && <DiffView diff={a.diff} t={t} />}
            </td>
          </tr>
        ))}
      </Table>
      {log.data?.items.length === 0 && <p className="muted">{t('audit.none')}</p>}
      {log.data?.next_cursor && (
        <button type="button" onClick={() => setCursor(log.data!.next_cursor ?? undefined)}>
          {t('audit.older')}
        </button>
      )}
    </Page>
  );
}

/** The record an entry is about, by name, linked to the page where it is managed. */
function EntityName({ entry, t }: { entry: Entry; t: T }) {
  if (!entry.entity_id) return null;
  const text = entry.entity_name ?? t('audit.unnamed', { id: entry.entity_id });
  const page = pageOfKind(entry.entity_type);
  return page ? <Link href={page}>{text}</Link> : <strong>{text}</strong>;
}

/** A value of a diff as a person reads it: text as is, nothing as a dash, structures as JSON. */
function shown(t: T, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('audit.empty');
  if (v === '***') return t('audit.secret');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What changed, field by field, before and after. */
function DiffView({ diff, t }: { diff: NonNullable<Entry['diff']>; t: T }) {
  return (
    <details>
      <summary className="small">{t('audit.changes')}</summary>
      <table className="diff small">
        <thead>
          <tr>
            <th scope="col">{t('audit.field')}</th>
            <th scope="col">{t('audit.before')}</th>
            <th scope="col">{t('audit.after')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(diff).map(([field, change]) => (
            <tr key={field}>
              <th scope="row">
                <code>{field}</code>
              </th>
              <td>
                <del>{shown(t, change.before)}</del>
              </td>
              <td>
                <ins>{shown(t, change.after)}</ins>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
