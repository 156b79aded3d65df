import type { ReactNode } from 'react';
import { useT } from '../../i18n';

/**
 * The line a desk that works offline shows: online or offline (`offlineText` says what offline
 * means there), how many scans wait, a button to send them now, and the desk's own `children`.
 */
export function QueueStatus({
  online,
  waiting,
  offlineText,
  onUpload,
  children,
}: {
  online: boolean;
  waiting: number;
  offlineText: string;
  onUpload: () => void;
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <div className="row door-status" role="status" aria-label={t('scanner.connection')}>
      <span className={`pill ${online ? 'ok' : 'warn'}`} data-testid="connection">
        {online ? t('scanner.online') : offlineText}
      </span>
      <span data-testid="queue">
        {waiting ? t('scanner.queue', { count: waiting }) : t('scanner.queueEmpty')}
      </span>
      {waiting > 0 && online && (
        <button type="button" className="ghost" onClick={onUpload}>
          {t('scanner.upload')}
        </button>
      )}
      {children}
    </div>
  );
}
