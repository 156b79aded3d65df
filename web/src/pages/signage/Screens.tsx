import { api } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n } from '../../i18n';
import {
  ErrorText,
  Field,
  viewerZoneLabel,
  Options,
  Page,
  Table,
  useLoad,
  useSubmit,
  formText,
} from '../../ui';
import { useRun } from './shared';

/** The org's screens: claimed with a pairing code, each on its playlist. */
export function Screens() {
  const { access } = useSession();
  const { t, fmt } = useI18n();
  const claim = useSubmit();
  const { error, run } = useRun();
  const playlists = useLoad(() => api.get('/api/signage/playlists', { query: { limit: 100 } }), []);
  const devices = useLoad(() => api.get('/api/signage/devices', { query: { limit: 100 } }), []);
  return (
    <Page title={t('signage.screens')}>
      <ErrorText>{error || playlists.error || devices.error}</ErrorText>
      <section className="card" aria-labelledby="screens-title">
        <h2 id="screens-title">{t('signage.screens')}</h2>
        {access.isOrgAdmin && (
          // A wrong or expired code is said under the code field, right where it was typed.
          <form
            className="row wrap"
            aria-label={t('signage.claim')}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const form = e.currentTarget;
              const f = new FormData(form);
              void claim
                .run(
                  () =>
                    api.post('/api/signage/devices/claim', {
                      body: {
                        code: formText(f, 'code').trim(),
                        name: formText(f, 'name').trim(),
                        playlist_id: formText(f, 'playlist_id') || null,
                      },
                    }),
                  (err) =>
                    err.status === 404 || err.status === 410 ? { code: t('signage.badCode') } : undefined,
                )
                .then((ok) => ok && (form.reset(), devices.reload()));
            }}
          >
            <Field label={t('signage.pairingCode')} name="code" errors={claim.fields}>
              <input required autoComplete="off" />
            </Field>
            <Field label={t('signage.screenName')} name="name" errors={claim.fields}>
              <input required />
            </Field>
            <Field label={t('signage.playlist')} name="playlist_id" errors={claim.fields}>
              <select>
                <option value="">{t('signage.defaultPlaylist')}</option>
                <Options items={playlists.data?.items} label={(p) => p.name} />
              </select>
            </Field>
            <button type="submit" disabled={claim.busy}>
              {t('signage.claim')}
            </button>
            <ErrorText>{claim.error}</ErrorText>
          </form>
        )}
        <Table
          columns={[
            t('signage.screen'),
            t('signage.state'),
            viewerZoneLabel(t('signage.lastSeen')),
            t('signage.playlist'),
          ]}
        >
          {devices.data?.items.map((d) => (
            <tr key={d.id}>
              <td>
                {d.name} <span className="muted small">{d.location}</span>
              </td>
              <td>
                <span className={`badge ${d.is_online ? 'on' : 'off'}`}>
                  {d.is_online ? t('signage.online') : t('signage.offline')}
                </span>
              </td>
              <td>{d.last_seen ? fmt.dateTime(d.last_seen) : t('signage.never')}</td>
              <td>
                <select
                  aria-label={t('signage.playlistOf', { name: d.name })}
                  value={d.playlist_id ?? ''}
                  disabled={!access.isOrgAdmin}
                  onChange={(e) =>
                    void run(
                      () =>
                        api.patch('/api/signage/devices/{id}', {
                          path: { id: d.id },
                          body: { playlist_id: e.target.value || null },
                        }),
                      devices.reload,
                    )
                  }
                >
                  <option value="">{t('signage.defaultPlaylist')}</option>
                  <Options items={playlists.data?.items} label={(p) => p.name} />
                </select>
              </td>
            </tr>
          ))}
        </Table>
      </section>
    </Page>
  );
}
