import { useState } from 'react';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { ErrorText, Page, Table, useLoad, viewerZoneLabel } from '../../ui';

export function Audit() {
  const { t, fmt } = useI18n();
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
    <Page title={t('nav.audit')}>
      <div className="filters" role="search">
        <label>
          {t('audit.entity')}{' '}
          <input
            value={entity}
            onChange={(e) => (setEntity(e.target.value), setCursor(undefined))}
            placeholder={t('audit.entityHint')}
          />
        </label>
        <label>
          {t('audit.action')}{' '}
          <input
            value={action}
            onChange={(e) => (setAction(e.target.value), setCursor(undefined))}
            placeholder={t('audit.actionHint')}
          />
        </label>
      </div>
      <ErrorText>{log.error}</ErrorText>
      <Table
        columns={[
          viewerZoneLabel(t('audit.when')),
          t('audit.who'),
          t('audit.action'),
          t('audit.what'),
          t('announce.message'),
        ]}
      >
        {log.data?.items.map((a) => (
          <tr key={a.id}>
            <td>{fmt.dateTime(a.created_at)}</td>
            <td>{a.actor}</td>
            <td>{a.action}</td>
            <td>
              {a.entity_type} {a.entity_id && <code className="small">{a.entity_id}</code>}
            </td>
            <td>
              {a.message}
              {a.diff && (
                <details>
                  <summary className="small">{t('audit.changes')}</summary>
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
          {t('audit.older')}
        </button>
      )}
    </Page>
  );
}
