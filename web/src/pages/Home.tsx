import { useSession } from '../auth';
import { useT } from '../i18n';
import type { Key } from '../i18n/en';
import { eventRoleLabel, orgRoleLabel } from '../i18n/labels';
import { Link } from '../router';

export function Home({ items }: { items: Array<{ href: string; label: Key; module: Key }> }) {
  const { me, access } = useSession();
  const t = useT();
  const roles = access.events.map((e) => `${e.name}: ${eventRoleLabel(t, e.role)}`).join(', ');
  return (
    <>
      <h1>{t('home.hello', { name: me.user?.full_name ?? '' })}</h1>
      <p className="muted">
        {me.org.name} · {orgRoleLabel(t, me.role)}
        {roles && ` · ${roles}`}
      </p>
      {items.length === 0 ? (
        <p>{t('home.nothing', { org: me.org.name })}</p>
      ) : (
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
      )}
    </>
  );
}
