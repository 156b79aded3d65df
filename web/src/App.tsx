import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, messageOf, session, whenUnauthorized } from './api/client';
import { loadAccess, SessionContext, useSession, type Access, type Me, type SessionValue } from './auth';
import { LiveIndicator, LiveProvider } from './live';
import { Link, navigate, usePath } from './router';
import { Login, ChangePassword } from './pages/Login';
import { Home } from './pages/Home';
import { Scanner } from './pages/events/Scanner';
import { CheckIn } from './pages/events/CheckIn';
import { Timetable } from './pages/events/Timetable';
import { Announcements } from './pages/events/Announcements';
import { ExhibitorScanner } from './pages/events/Exhibitor';
import { ManageEvents } from './pages/events/Manage';
import { RoomSlots } from './pages/events/Slots';
import { Questions } from './pages/events/Questions';
import { Badges } from './pages/events/Badges';
import { Users } from './pages/org/Users';
import { Units } from './pages/org/Units';
import { Audit } from './pages/org/Audit';
import { Wall } from './pages/monitoring/Wall';
import { Performers } from './pages/monitoring/Performers';
import { Groups } from './pages/monitoring/Groups';
import { Player } from './pages/signage/Player';
import { Display } from './pages/display/Display';
import { Signage } from './pages/signage/Signage';

interface NavItem {
  href: string;
  label: string;
  module: string;
  allowed(a: Access): boolean;
  page: () => ReactNode;
}

const controlling = (a: Access) => a.events.some((e) => e.role === 'controlleur_des_badges');
const managing = (a: Access) => a.isOrgAdmin || a.events.some((e) => e.role === 'manager');
const checkingIn = (a: Access) =>
  a.events.some((e) => e.role === 'manager' || e.role === 'controlleur_des_badges');

/** Every page of the console, grouped by module; `allowed` decides both the menu and the route. */
export const NAV: NavItem[] = [
  {
    href: '/events/timetable',
    label: 'Timetable',
    module: 'Events',
    allowed: (a) => a.events.length > 0,
    page: () => <Timetable />,
  },
  {
    href: '/events/manage',
    label: 'Events, rooms & sessions',
    module: 'Events',
    allowed: managing,
    page: () => <ManageEvents />,
  },
  {
    href: '/events/slots',
    label: 'Room slots',
    module: 'Events',
    allowed: (a) => a.events.some((e) => e.role === 'manager'),
    page: () => <RoomSlots />,
  },
  {
    href: '/events/questions',
    label: 'Questions',
    module: 'Events',
    allowed: (a) => a.events.some((e) => e.role !== 'controlleur_des_badges'),
    page: () => <Questions />,
  },
  {
    href: '/events/badges',
    label: 'Badges',
    module: 'Events',
    allowed: (a) => a.events.some((e) => e.role !== 'gestionnaire_des_salles'),
    page: () => <Badges />,
  },
  {
    href: '/events/announcements',
    label: 'Announcements',
    module: 'Events',
    allowed: (a) => a.events.length > 0,
    page: () => <Announcements />,
  },
  {
    href: '/events/stand',
    label: 'Stand scanner',
    module: 'Events',
    allowed: (a) => a.events.some((e) => e.role === 'exposant'),
    page: () => <ExhibitorScanner />,
  },
  {
    href: '/events/scanner',
    label: 'Scanner',
    module: 'Events',
    allowed: controlling,
    page: () => <Scanner />,
  },
  {
    href: '/events/check-in',
    label: 'Check-in desk',
    module: 'Events',
    allowed: checkingIn,
    page: () => <CheckIn />,
  },
  {
    href: '/org/users',
    label: 'Users',
    module: 'Organization',
    allowed: (a) => a.org,
    page: () => <Users />,
  },
  {
    href: '/org/units',
    label: 'Units & departments',
    module: 'Organization',
    allowed: (a) => a.org,
    page: () => <Units />,
  },
  {
    href: '/org/audit',
    label: 'Audit log',
    module: 'Organization',
    allowed: (a) => a.audit,
    page: () => <Audit />,
  },
  {
    href: '/monitoring',
    label: 'Mic wall',
    module: 'Monitoring',
    allowed: (a) => a.monitoring,
    page: () => <Wall />,
  },
  {
    href: '/monitoring/performers',
    label: 'Performers & assignments',
    module: 'Monitoring',
    allowed: (a) => a.monitoring,
    page: () => <Performers />,
  },
  {
    href: '/monitoring/groups',
    label: 'Monitoring groups',
    module: 'Monitoring',
    allowed: (a) => a.isOrgAdmin,
    page: () => <Groups />,
  },
  {
    href: '/signage',
    label: 'Screens & playlists',
    module: 'Signage',
    allowed: (a) => a.signage,
    page: () => <Signage />,
  },
];

export function App() {
  const path = usePath();
  // The player runs on a screen with its own device token, never with a user's session.
  if (path === '/player') return <Player />;
  // A side-of-stage display reads with its display link, never with a user's session.
  if (path === '/display') return <Display />;
  return <SignedIn />;
}

function SignedIn() {
  const [state, setState] = useState<
    { token: string; me: Me; access: Access } | null | 'loading' | 'unreachable'
  >('loading');
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    const token = session.token;
    if (!token) return setState(null);
    try {
      const me = await api.get('/api/auth/me');
      setState({ token, me, access: await loadAccess(me) });
    } catch (err) {
      // Only a rejected token signs out; a server that is briefly down keeps the session.
      if (err instanceof ApiError && err.status === 401) session.set(null);
      setError(messageOf(err));
      setState(err instanceof ApiError && err.status === 401 ? null : 'unreachable');
    }
  }, []);

  useEffect(() => {
    whenUnauthorized(() => {
      session.set(null);
      setState(null);
    });
    void load();
  }, [load]);

  if (state === 'loading') return <p className="center muted">Loading…</p>;
  if (state === 'unreachable')
    return (
      <main className="auth" id="main">
        <section className="card auth-card" role="alert">
          <h1>Roster is not reachable</h1>
          <p>{error}</p>
          <button type="button" onClick={() => (setState('loading'), void load())}>
            Try again
          </button>
        </section>
      </main>
    );
  if (state === null)
    return (
      <Login
        notice={error}
        onLoggedIn={(token) => {
          session.set(token);
          setError('');
          setState('loading');
          void load();
        }}
      />
    );

  const value: SessionValue = {
    me: state.me,
    access: state.access,
    refresh: load,
    logout: async () => {
      await api.post('/api/auth/logout').catch(() => undefined);
      session.set(null);
      setState(null);
      navigate('/', { replace: true });
    },
  };
  if (state.me.user?.must_change_password)
    return (
      <SessionContext.Provider value={value}>
        <ChangePassword onChanged={() => void load()} />
      </SessionContext.Provider>
    );
  return (
    <SessionContext.Provider value={value}>
      <LiveProvider token={state.token}>
        <Shell />
      </LiveProvider>
    </SessionContext.Provider>
  );
}

function Shell() {
  const { me, access, logout } = useSession();
  const path = usePath();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = NAV.filter((n) => n.allowed(access));
  const modules = [...new Set(items.map((n) => n.module))];
  const current = NAV.find((n) => n.href === path);
  useEffect(() => setMenuOpen(false), [path]);

  let content: ReactNode;
  if (path === '/' || path === '/login') content = <Home items={items} />;
  else if (current && current.allowed(access)) content = current.page();
  else if (current)
    content = (
      <Notice title="Not available">Your role and assignments do not give you access to this page.</Notice>
    );
  else content = <Notice title="Page not found">There is no page at {path}.</Notice>;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span>
          <span className="sr-only">Menu</span>
        </button>
        <Link href="/" className="brand">
          Roster
        </Link>
        <OrgSwitcher />
        <span className="spacer" />
        <LiveIndicator />
        <span className="who" title={me.user?.username}>
          {me.user?.full_name ?? me.via} <span className="badge">{me.role}</span>
        </span>
        <button type="button" className="ghost" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <nav id="nav" className={menuOpen ? 'nav open' : 'nav'} aria-label="Modules">
        {modules.length === 0 && <p className="muted small">No module is assigned to you yet.</p>}
        {modules.map((m) => (
          <section key={m}>
            <h2>{m}</h2>
            <ul>
              {items
                .filter((n) => n.module === m)
                .map((n) => (
                  <li key={n.href}>
                    <Link href={n.href}>{n.label}</Link>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}

function OrgSwitcher() {
  const { me, refresh } = useSession();
  const [error, setError] = useState('');
  async function switchOrg(slug: string) {
    try {
      await api.post('/api/auth/switch-org', { body: { org: slug } });
      navigate('/', { replace: true });
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  if (me.orgs.length < 2) return <span className="org-name">{me.org.name}</span>;
  return (
    <label className="org-switch">
      <span className="sr-only">Organization</span>
      <select value={me.org.slug} onChange={(e) => void switchOrg(e.target.value)}>
        {me.orgs.map((o) => (
          <option key={o.org.id} value={o.org.slug}>
            {o.org.name} ({o.role})
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="error small">
          {error}
        </span>
      )}
    </label>
  );
}

export function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <h1>{title}</h1>
      <p>{children}</p>
    </section>
  );
}
