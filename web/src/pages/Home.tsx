import { useSession } from '../auth';
import { Link } from '../router';

export function Home({ items }: { items: Array<{ href: string; label: string; module: string }> }) {
  const { me, access } = useSession();
  return (
    <>
      <h1>Hello {me.user?.full_name ?? ''}</h1>
      <p className="muted">
        {me.org.name} · {me.role}
        {access.events.length > 0 &&
          ` · ${access.events.map((e) => `${e.name}: ${e.role.replaceAll('_', ' ')}`).join(', ')}`}
      </p>
      {items.length === 0 ? (
        <p>Nothing is assigned to you yet. Ask an administrator of {me.org.name} for an assignment.</p>
      ) : (
        <ul className="tiles">
          {items.map((n) => (
            <li key={n.href}>
              <Link href={n.href}>
                <span className="muted small">{n.module}</span>
                <strong>{n.label}</strong>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
