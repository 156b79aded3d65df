import { useState } from 'react';
import { allPages, api } from '../../api/client';
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
  if (!event) return <Page title="Badges">You take part in no event.</Page>;
  const people = list.data ?? [];
  if (printing)
    return (
      <div className="print-all">
        <div className="row no-print">
          <button type="button" onClick={() => window.print()}>
            Print {people.length} badges
          </button>
          <button type="button" className="ghost" onClick={() => setPrinting(false)}>
            Back to the list
          </button>
        </div>
        {people.map((p) => (
          <iframe
            key={p.id}
            className="badge-frame"
            src={badgeUrl(event.id, p.id)}
            title={`Badge of ${p.full_name}`}
          />
        ))}
      </div>
    );
  return (
    <Page
      title={`Badges — ${event.name}`}
      actions={
        <div className="row">
          {picker}
          <button type="button" onClick={() => setPrinting(true)} disabled={people.length === 0}>
            Print all ({people.length})
          </button>
        </div>
      }
    >
      <div className="filters">
        <label>
          Search
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="name, e-mail, badge id"
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
            <option value="">Everyone</option>
            <option value="participant">Participants</option>
            <option value="exposant">Exhibitors</option>
          </select>
        </label>
      </div>
      <ErrorText>{list.error}</ErrorText>
      <Table columns={['Name', 'Role', 'Badge id', 'Checked in', '']}>
        {people.map((p) => (
          <tr key={p.id}>
            <td>{p.full_name}</td>
            <td>{p.role}</td>
            <td>
              <code>{p.badge_id}</code>
            </td>
            <td>{p.is_checked_in ? 'yes' : 'no'}</td>
            <td>
              <a
                href={badgeUrl(event.id, p.id)}
                target="_blank"
                rel="noopener"
                aria-label={`Print the badge of ${p.full_name}`}
              >
                Print badge
              </a>
            </td>
          </tr>
        ))}
      </Table>
      {!list.loading && people.length === 0 && <p className="muted">No badge matches.</p>}
    </Page>
  );
}
