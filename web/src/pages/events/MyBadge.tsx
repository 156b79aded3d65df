import { useEffect, useState } from 'react';
import { api, type Answer } from '../../api/client';
import { useSession } from '../../auth';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { eventRoleLabel } from '../../i18n/labels';
import { Page, useZone } from '../../ui';
import { useEventChoice } from './common';

type Card = Answer<'/api/events/events/{id}/my-badge', 'get'>;
interface Kept {
  card: Card;
  keptAt: string;
}

const keptKey = (userId: number, eventId: string) => `roster.myBadge.${userId}.${eventId}`;

/**
 * The badge on the holder's phone: a QR code as wide as the screen for the door's camera, the
 * event, the person and their sessions. What was last fetched is kept on the device, so the badge
 * still shows when the network is gone.
 */
export function MyBadge() {
  const { event, picker } = useEventChoice(['participant', 'exposant']);
  const { me } = useSession();
  const t = useT();
  const z = useZone(event?.timezone);
  const [shown, setShown] = useState<{ kept: Kept; fresh: boolean } | null>(null);
  const [error, setError] = useState('');
  const userId = me.user?.id ?? 0;
  const eventId = event?.id;

  useEffect(() => {
    if (!eventId) return;
    let live = true;
    const key = keptKey(userId, eventId);
    const raw = localStorage.getItem(key);
    if (raw) setShown({ kept: JSON.parse(raw) as Kept, fresh: false });
    api.get('/api/events/events/{id}/my-badge', { path: { id: eventId } }).then(
      (card) => {
        const kept = { card, keptAt: new Date().toISOString() };
        localStorage.setItem(key, JSON.stringify(kept));
        if (live) {
          setShown({ kept, fresh: true });
          setError('');
        }
      },
      (err: unknown) => live && !raw && setError(problemMessage(t, err)),
    );
    return () => {
      live = false;
    };
  }, [userId, eventId, t]);

  if (!event) return <Page title={t('nav.myBadge')}>{t('myBadge.none')}</Page>;
  const card = shown?.kept.card;
  return (
    <Page title={t('nav.myBadge')} actions={picker}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {card && (
        <article className="my-badge" aria-label={t('myBadge.of', { name: card.participant.full_name })}>
          <h2>{card.event.name}</h2>
          <p className="muted">
            {z.label(`${z.dateTime(card.event.start_date)} – ${z.dateTime(card.event.end_date)}`)}
            {card.event.location && ` · ${card.event.location}`}
          </p>
          <div
            className="my-badge-qr"
            role="img"
            aria-label={t('myBadge.qr')}
            // The SVG is the server's own rendering of the badge's QR code (no user text in it).
            dangerouslySetInnerHTML={{ __html: card.qr_svg }}
          />
          <p className="my-badge-name">{card.participant.full_name}</p>
          <p>
            {eventRoleLabel(t, card.participant.role)} · <code>{card.participant.badge_id}</code>
          </p>
          {!shown.fresh && (
            <p className="muted small" data-testid="kept">
              {t('myBadge.kept', { time: new Date(shown.kept.keptAt).toLocaleString() })}
            </p>
          )}
          <h3>{t('myBadge.sessions')}</h3>
          <ul className="plain">
            {card.sessions.map((s) => (
              <li key={s.id}>
                <strong>{s.title}</strong> · {s.room_name} · {z.range(s.start_time, s.end_time)}
                {s.is_paid && (
                  <span className={s.has_access ? 'ok' : 'error'}>
                    {' '}
                    · {s.has_access ? t('myBadge.paid') : t('myBadge.unpaid')}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <p>
            <a href={card.print_url} target="_blank" rel="noreferrer">
              {t('myBadge.print')}
            </a>
          </p>
        </article>
      )}
    </Page>
  );
}
