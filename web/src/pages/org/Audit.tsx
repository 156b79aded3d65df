import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorText, fmtDateTime, Page, Table, useLoad } from '../../ui';

export function Audit() {
  const [entity, setEntity] = useState('');
  const [action, setAction] = useState('');
  const [cursor, setCursor] = useState<string | undefined>();
  const log = useLoad(
    () =>
      api.get('/api/audit', {
        query: { entity_type: entity || undefined, action: action || undefined, cursor, limit: 50 },
      }),
    [entity, action, cursor],
  );
  return (
    <Page title="Audit log">
      <div className="filters" role="search">
        <label>
          Entity type{' '}
          <input
            value={entity}
            onChange={(e) => (setEntity(e.target.value), setCursor(undefined))}
            placeholder="e.g. user, unit"
          />
        </label>
        <label>
          Action{' '}
          <input
            value={action}
            onChange={(e) => (setAction(e.target.value), setCursor(undefined))}
            placeholder="e.g. create"
          />
        </label>
      </div>
      <ErrorText>{log.error}</ErrorText>
      <Table columns={['When', 'Who', 'Action', 'What', 'Message']}>
        {log.data?.items.map((a) => (
          <tr key={a.id}>
            <td>{fmtDateTime(a.created_at)}</td>
            <td>{a.actor}</td>
            <td>{a.action}</td>
            <td>
              {a.entity_type} {a.entity_id && <code className="small">{a.entity_id}</code>}
            </td>
            <td>
              {a.message}
              {a.diff && (
                <details>
                  <summary className="small">changes</summary>
                  <ul className="plain small">
                    {Object.entries(a.diff).map(([k, v]) => (
                      <li key={k}>
                        {k}: {JSON.stringify(v.before)} → {JSON.stringify(v.after)}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {log.data?.next_cursor && (
        <button type="button" onClick={() => setCursor(log.data!.next_cursor ?? undefined)}>
          Older entries
        </button>
      )}
    </Page>
  );
}
