import { useState, type FormEvent } from 'react';
import { api, type Answer } from '../../api/client';
import { useI18n } from '../../i18n';
import { ErrorText, Figures, Table, formText, useItemResults, useLoad, useZone } from '../../ui';

type Lead = Answer<'/api/events/events/{id}/exposant-scans', 'get'>['items'][number];
interface Filters {
  min_rating?: string;
  tag?: string;
  day?: string;
  q?: string;
}

const RATINGS = [0, 1, 2, 3, 4, 5];
const PAGE_SIZE = 100;
/** The filters as a query string, for the list and for the export links alike. */
const queryOf = (f: Filters) =>
  new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1]))).toString();

/**
 * The stand's leads: its figures (totals, today, unique visitors), the lead list with filters,
 * each lead rated, tagged and annotated in place, and the CSV and JSON exports of what is shown.
 * `changed` is anything that changes when a scan was recorded, so the figures follow the desk.
 */
export function Leads({ eventId, zone, changed }: { eventId: string; zone: string; changed?: unknown }) {
  const { t } = useI18n();
  const z = useZone(zone);
  const [filters, setFilters] = useState<Filters>({});
  const [tick, setTick] = useState(0);
  const stats = useLoad(
    () => api.get('/api/events/events/{id}/exposant-scans/stats', { path: { id: eventId } }),
    [eventId, changed, tick],
  );
  // Pages shown so far: a reload (a filter, a saved lead, a new scan) fetches them all again.
  const [pages, setPages] = useState(1);
  const leads = useLoad(async () => {
    const items: Lead[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < pages; i++) {
      const page = await api.get('/api/events/events/{id}/exposant-scans', {
        path: { id: eventId },
        query: {
          limit: PAGE_SIZE,
          cursor,
          min_rating: filters.min_rating ? Number(filters.min_rating) : undefined,
          tag: filters.tag || undefined,
          day: filters.day || undefined,
          q: filters.q || undefined,
        },
      });
      items.push(...page.items);
      cursor = page.next_cursor ?? undefined;
      if (!cursor) break;
    }
    return { items, more: cursor !== undefined };
  }, [eventId, changed, tick, queryOf(filters), pages]);
  function applyFilters(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setPages(1);
    setFilters({
      min_rating: formText(f, 'min_rating'),
      tag: formText(f, 'tag').trim(),
      day: formText(f, 'day'),
      q: formText(f, 'q').trim(),
    });
  }
  const s = stats.data;
  const query = queryOf(filters);
  const exportUrl = (kind: 'csv' | 'json') =>
    `/api/events/events/${eventId}/exposant-scans/export.${kind}${query ? `?${query}` : ''}`;
  const items = leads.data?.items ?? [];
  return (
    <section aria-labelledby="leads-title">
      <h2 id="leads-title">{t('leads.title')}</h2>
      <ErrorText>{stats.error}</ErrorText>
      {s && (
        <Figures
          label={t('leads.figures')}
          items={[
            ['leads.total', s.total_visits],
            ['leads.today', s.today_visits],
            ['leads.unique', s.unique_visitors],
            ['leads.scans', s.total_scans],
            ['leads.rated', s.rated_leads],
          ]}
        />
      )}
      <form className="filters" onSubmit={applyFilters} aria-label={t('leads.filters')}>
        <label>
          {t('common.search')}
          <input name="q" type="search" defaultValue={filters.q} placeholder={t('leads.searchHint')} />
        </label>
        <label>
          {t('leads.minRating')}
          <select name="min_rating" defaultValue={filters.min_rating ?? ''}>
            <option value="">{t('leads.anyRating')}</option>
            {RATINGS.slice(1).map((r) => (
              <option key={r} value={r}>
                {t('leads.atLeast', { count: r })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('leads.tag')}
          <input name="tag" defaultValue={filters.tag} />
        </label>
        <label>
          {t('leads.day', { zone })}
          <input name="day" type="date" defaultValue={filters.day} />
        </label>
        <button type="submit">{t('leads.apply')}</button>
        <a className="button ghost" href={exportUrl('csv')} download>
          {t('leads.exportCsv')}
        </a>
        <a className="button ghost" href={exportUrl('json')} download>
          {t('leads.exportJson')}
        </a>
      </form>
      <ErrorText>{leads.error}</ErrorText>
      <Table
        columns={[
          z.label(t('leads.when')),
          t('leads.visitor'),
          t('leads.rating'),
          t('leads.tags'),
          t('leads.notes'),
          '',
        ]}
      >
        {items.map((lead) => (
          <LeadRow
            key={lead.id}
            eventId={eventId}
            zone={zone}
            lead={lead}
            onSaved={() => setTick((n) => n + 1)}
          />
        ))}
      </Table>
      {!leads.loading && items.length === 0 && <p className="muted">{t('leads.none')}</p>}
      {leads.data?.more && (
        <button
          type="button"
          className="ghost"
          disabled={leads.loading}
          onClick={() => setPages((n) => n + 1)}
        >
          {t('leads.more')}
        </button>
      )}
    </section>
  );
}

/** One lead, editable in place: rating, tags (comma-separated), a note added below the others. */
function LeadRow({
  eventId,
  zone,
  lead,
  onSaved,
}: {
  eventId: string;
  zone: string;
  lead: Lead;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const z = useZone(zone);
  const results = useItemResults();
  const formId = `lead-${lead.id}`;
  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const rating = formText(f, 'rating');
    const note = formText(f, 'note').trim();
    const tags = formText(f, 'tags')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const ok = await results.run(
      lead.id,
      () =>
        api.patch('/api/events/events/{id}/exposant-scans/{visitId}', {
          path: { id: eventId, visitId: lead.id },
          body: { rating: rating === '' ? null : Number(rating), tags, ...(note ? { note } : {}) },
        }),
      t('leads.saved'),
    );
    if (ok) {
      // The note now shows among the lead's notes; its box is ready for the next one.
      const box = form.elements.namedItem('note');
      if (box instanceof HTMLInputElement) box.value = '';
      onSaved();
    }
  }
  const who = lead.visitor.full_name;
  return (
    <tr aria-label={who}>
      <td className="small">{z.dateTime(lead.scanned_at)}</td>
      <td>
        {who} <span className="muted small">{lead.visitor.email}</span>
        <br />
        <code className="small">{lead.visitor.badge_id}</code>
      </td>
      <td>
        <select
          name="rating"
          form={formId}
          defaultValue={lead.rating ?? ''}
          aria-label={t('leads.ratingOf', { name: who })}
        >
          <option value="">—</option>
          {RATINGS.map((r) => (
            <option key={r} value={r}>
              {'★'.repeat(r) || '0'}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          name="tags"
          form={formId}
          defaultValue={lead.tags.join(', ')}
          aria-label={t('leads.tagsOf', { name: who })}
        />
      </td>
      <td>
        <p className="notes">{lead.notes}</p>
        <input
          name="note"
          form={formId}
          placeholder={t('leads.addNote')}
          aria-label={t('leads.noteFor', { name: who })}
        />
      </td>
      <td>
        <form id={formId} onSubmit={(e) => void save(e)} className="item-actions">
          <button type="submit" className="small" aria-label={t('leads.saveFor', { name: who })}>
            {t('leads.save')}
          </button>
          {results.show(lead.id)}
        </form>
      </td>
    </tr>
  );
}
