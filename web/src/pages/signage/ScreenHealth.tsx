import { useState } from 'react';
import { api, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useI18n } from '../../i18n';
import type { Key } from '../../i18n/en';
import { problemMessage } from '../../i18n/errors';
import { useLiveEvents } from '../../live';
import { ErrorText, StatusText, Table, useConfirm, useLoad } from '../../ui';

type Command = Answer<'/api/signage/devices/{id}/commands', 'get'>['items'][number];
type CommandName = Command['command'];

const COMMAND_LABELS: Record<CommandName, Key> = {
  reload: 'screenHealth.cmd.reload',
  previous: 'screenHealth.cmd.previous',
  next: 'screenHealth.cmd.next',
  screenshot: 'screenHealth.cmd.screenshot',
  reboot: 'screenHealth.cmd.reboot',
  shutdown: 'screenHealth.cmd.shutdown',
};
const STATUS_LABELS: Record<Command['status'], Key> = {
  pending: 'screenHealth.status.pending',
  done: 'screenHealth.status.done',
  failed: 'screenHealth.status.failed',
  expired: 'screenHealth.status.expired',
};
/** Harmless commands go at once; these two take a screen off the air, so they are confirmed. */
const CONFIRMED: readonly CommandName[] = ['reboot', 'shutdown'];
const BUTTONS: readonly CommandName[] = ['reload', 'previous', 'next', 'screenshot', 'reboot', 'shutdown'];

/**
 * One screen's health (presence, what its player reports, its last screenshot), the remote
 * commands an admin can send it, and the last commands with their outcome. Refreshes itself when
 * a command is acknowledged or a screenshot arrives.
 */
export function ScreenHealth({ deviceId }: { deviceId: string }) {
  const { access } = useSession();
  const { t, fmt } = useI18n();
  const { ask, dialog } = useConfirm();
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const health = useLoad(
    () => api.get('/api/signage/devices/{id}/health', { path: { id: deviceId } }),
    [deviceId],
  );
  const commands = useLoad(
    () => api.get('/api/signage/devices/{id}/commands', { path: { id: deviceId }, query: { limit: 10 } }),
    [deviceId],
  );
  const refresh = (m: { data: Record<string, unknown> }) => {
    if (m.data.device_id !== deviceId) return;
    health.reload();
    commands.reload();
  };
  useLiveEvents('signage.command.acknowledged', refresh);
  useLiveEvents('signage.screenshot.taken', refresh);
  useLiveEvents('signage.device.', (m) => m.data.id === deviceId && health.reload());

  const send = async (command: CommandName) => {
    setError('');
    setStatus('');
    const label = t(COMMAND_LABELS[command]);
    if (
      CONFIRMED.includes(command) &&
      !(await ask({
        title: t('screenHealth.confirmTitle', { command: label }),
        message: t('screenHealth.confirmMessage'),
        confirmLabel: label,
      }))
    )
      return;
    try {
      await api.post('/api/signage/devices/{id}/commands', { path: { id: deviceId }, body: { command } });
      setStatus(t('screenHealth.sent', { command: label }));
      commands.reload();
    } catch (err) {
      setError(problemMessage(t, err));
    }
  };

  const h = health.data;
  const shot = h?.screenshot;
  return (
    <section className="screen-health" aria-label={t('screenHealth.title')}>
      <h3>{t('screenHealth.title')}</h3>
      <ErrorText>{error || health.error || commands.error}</ErrorText>
      <StatusText>{status}</StatusText>
      {h && (
        <dl className="facts">
          <dt>{t('signage.state')}</dt>
          <dd>{h.is_online ? t('signage.online') : t('signage.offline')}</dd>
          <dt>{t('signage.lastSeen')}</dt>
          <dd>{h.last_seen ? fmt.dateTime(h.last_seen) : t('signage.never')}</dd>
          <dt>{t('screenHealth.version')}</dt>
          <dd>{h.player_version ?? t('screenHealth.unknown')}</dd>
          <dt>{t('screenHealth.resolution')}</dt>
          <dd>
            {h.resolution
              ? t('screenHealth.pixels', { width: h.resolution.width, height: h.resolution.height })
              : t('screenHealth.unknown')}
          </dd>
          <dt>{t('screenHealth.freeStorage')}</dt>
          <dd>
            {h.free_storage_bytes === null ? t('screenHealth.unknown') : fmt.bytes(h.free_storage_bytes)}
          </dd>
        </dl>
      )}
      <figure className="screenshot">
        {shot ? (
          <>
            <img src={shot.url} alt={t('screenHealth.screenshotAlt')} />
            <figcaption>{t('screenHealth.takenAt', { time: fmt.dateTime(shot.taken_at) })}</figcaption>
          </>
        ) : (
          <figcaption>{t('screenHealth.noScreenshot')}</figcaption>
        )}
      </figure>
      {access.isOrgAdmin && (
        <div className="row" role="group" aria-label={t('screenHealth.commands')}>
          {BUTTONS.map((command) => (
            <button
              key={command}
              type="button"
              className={CONFIRMED.includes(command) ? 'danger' : undefined}
              onClick={() => void send(command)}
            >
              {t(COMMAND_LABELS[command])}
            </button>
          ))}
        </div>
      )}
      {commands.data && commands.data.items.length > 0 && (
        <Table
          columns={[
            t('screenHealth.command'),
            t('common.status'),
            t('screenHealth.sentAt'),
            t('screenHealth.answeredAt'),
            t('screenHealth.detail'),
          ]}
        >
          {commands.data.items.map((c) => (
            <tr key={c.id}>
              <td>{t(COMMAND_LABELS[c.command])}</td>
              <td>{t(STATUS_LABELS[c.status])}</td>
              <td>{fmt.dateTime(c.created_at)}</td>
              <td>{c.acknowledged_at ? fmt.dateTime(c.acknowledged_at) : ''}</td>
              <td>{c.detail}</td>
            </tr>
          ))}
        </Table>
      )}
      {dialog}
    </section>
  );
}
