import { useSession } from '../auth';
import { useT } from '../i18n';
import type { Key } from '../i18n/en';
import { eventRoleLabel, orgRoleLabel } from '../i18n/labels';
import { Link } from '../router';
import { MyEvent } from './home/MyEvent';
import { MyGroups } from './home/MyGroups';
import { MyUnits } from './home/MyUnits';
import { OrgHealth } from './home/OrgHealth';

/** Events an administrator sees as cards on the home page; the others are under Events. */
const ADMIN_EVENTS_SHOWN = 3;

/**
 * Each person's own work first: an administrator the organization's health, a plant user their
 * units and people, a technician their groups and open alerts, and one card per event for the role
 * held in it (the room held now, the door, the badge, the stand). The pages they may open follow.
 */
export function Home({ items }: { items: Array<{ href: string; label: Key; module: Key }> }) {
  const { me, access } = useSession();
  const t = useT();
  const roles = access.events.map((e) => `${e.name}: ${eventRoleLabel(t, e.role)}`).join(', ');
  const events = access.isOrgAdmin ? access.events.slice(0, ADMIN_EVENTS_SHOWN) : access.events;
  return (
    <>
      <h1>{t('home.hello', { name: me.user?.full_name ?? '' })}</h1>
      <p className="muted">
        {me.org.name} · {orgRoleLabel(t, me.role)}
        {roles && ` · ${roles}`}
      </p>
      <div className="home-grid">
        {access.isOrgAdmin && <OrgHealth events={access.events.length} />}
        {me.user && !access.isOrgAdmin && <MyUnits userId={me.user.id} canOpenUsers={access.org} />}
        {access.monitoring && !access.isOrgAdmin && <MyGroups />}
        {events.map((e) => (
          <MyEvent key={e.id} event={e} />
        ))}
      </div>
      {items.length === 0 ? (
        <p>{t('home.nothing', { org: me.org.name })}</p>
      ) : (
        <section aria-labelledby="home-pages">
          <h2 id="home-pages">{t('home.pages')}</h2>
          <ul className="tiles">
            {items.map((n) => (
              <li key={n.href}>
                <Link href={n.href}>
                  <span className="muted small">{t(n.module)}</span>
                  <strong>{t(n.label)}</strong>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
