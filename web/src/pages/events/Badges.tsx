import { useState } from 'react';
import { allPages, api } from '../../api/client';
import { useT } from '../../i18n';
import { eventRoleLabel } from '../../i18n/labels';
import { ErrorText, Page, Table, useLoad } from '../../ui';
import { useEventChoice } from './common';

const badgeUrl = (eventId: string, participantId: string) =>
  `/api/events/events/${eventId}/participants/${participantId}/badge`;

/**
 * Printable badges: the API renders each one as an A6 HTML page (QR code inline). The browser
 * sends the session cookie set at login, so plain links and frames open them. "Print all" lays
 * the listed badges one after the other and prints them in one go.
 */
export function Badges() {
  // Room managers hold no badge list in the API; everyone else sees the badges it lets them see.
  const { event, picker } = useEventChoice(['manager', 'controlleur_des_badges', 'participant', 'exposant']);
  const t = useT();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<'' | 'participant' | 'exposant'>('');
  const [printing, setPrinting] = useState(false);
  const list = useLoad(
    async () =>
      event
        ? allPages((cursor) =>
            api.get('/api/events/events/{id}/participants', {
              path: { id: event.id },
              query: { q: q || undefined, role: role || undefined, limit: 200, cursor },
            }),
          )
        : [],
    [event?.id, q, role],
  );
  if (!event) return <Page title={t('nav.badges')}>{t('events.none')}</Page>;
  const people = list.data ?? [];
  if (printing)
    return (
      <div className="print-all">
        <div className="row no-print">
          <button type="button" onClick={() => window.print()}>
            {t('badges.printN', { count: people.length })}
          </button>
          <button type="button" className="ghost" onClick={() => setPrinting(false)}>
            {t('badges.back')}
          </button>
        </div>
        {people.map((p) => (
          <iframe
            key={p.id}
            className="badge-frame"
            src={badgeUrl(event.id, p.id)}
            title={t('badges.of', { name: p.full_name })}
          />
        ))}
      </div>
    );
  return (
    <Page
      title={t('badges.titleOf', { name: event.name })}
      actions={
        <div className="row">
          {picker}
          <button type="button" onClick={() => setPrinting(true)} disabled={people.length === 0}>
            {t('badges.printAll', { count: people.length })}
          </button>
        </div>
      }
    >
      <div className="filters">
        <label>
          {t('common.search')}
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('badges.searchHint')}
          />
        </label>
        <label>
          {t('common.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
            <option value="">{t('badges.everyone')}</option>
            <option value="participant">{t('badges.participants')}</option>
            <option value="exposant">{t('badges.exhibitors')}</option>
          </select>
        </label>
      </div>
      <ErrorText>{list.error}</ErrorText>
      <Table columns={[t('common.name'), t('common.role'), t('badges.id'), t('badges.checkedIn'), '']}>
        {people.map((p) => (
          <tr key={p.id}>
            <td>{p.full_name}</td>
            <td>{eventRoleLabel(t, p.role)}</td>
            <td>
              <code>{p.badge_id}</code>
            </td>
            <td>{p.is_checked_in ? t('common.yes') : t('common.no')}</td>
            <td>
              <a
                href={badgeUrl(event.id, p.id)}
                target="_blank"
                rel="noopener"
                aria-label={t('badges.printOf', { name: p.full_name })}
              >
                {t('badges.print')}
              </a>
            </td>
          </tr>
        ))}
      </Table>
      {!list.loading && people.length === 0 && <p className="muted">{t('badges.none')}</p>}
    </Page>
  );
}
