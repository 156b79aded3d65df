import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, session, whenUnauthorized } from './api/client';
import { I18nProvider, useT } from './i18n';
import { LanguageSwitch } from './i18n/LanguageSwitch';
import { orgRoleLabel } from './i18n/labels';
import type { Key } from './i18n/en';
import { problemMessage } from './i18n/errors';
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
import { Staffing } from './pages/events/Staffing';
import { Statistics } from './pages/events/Statistics';
import { MyBadge } from './pages/events/MyBadge';
import { Users } from './pages/org/Users';
import { Units } from './pages/org/Units';
import { Audit } from './pages/org/Audit';
import { AccessExplain } from './pages/access/Access';
import { ROOM_PAGE, RoomPage } from './pages/venue/Room';
import { Wall } from './pages/monitoring/Wall';
import { Performers } from './pages/monitoring/Performers';
import { Groups } from './pages/monitoring/Groups';
import { Hardware } from './pages/monitoring/Hardware';
import { Player } from './pages/signage/Player';
import { Display } from './pages/display/Display';
import { Library } from './pages/signage/Library';
import { Playlists } from './pages/signage/Playlists';
import { Screens } from './pages/signage/Screens';
import { Reports } from './pages/signage/Reports';

interface NavItem {
  href: string;
  label: Key;
  module: Key;
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
    label: 'nav.timetable',
    module: 'module.events',
    allowed: (a) => a.events.length > 0,
    page: () => <Timetable />,
  },
  {
    href: '/events/manage',
    label: 'nav.manage',
    module: 'module.events',
    allowed: managing,
    page: () => <ManageEvents />,
  },
  {
    href: '/events/slots',
    label: 'nav.slots',
    module: 'module.events',
    allowed: (a) => a.events.some((e) => e.role === 'manager'),
    page: () => <RoomSlots />,
  },
  {
    href: '/events/staffing',
    label: 'nav.staffing',
    module: 'module.events',
    allowed: (a) => a.events.some((e) => e.role === 'manager'),
    page: () => <Staffing />,
  },
  {
    href: '/events/statistics',
    label: 'nav.statistics',
    module: 'module.events',
    allowed: checkingIn,
    page: () => <Statistics />,
  },
  {
    href: '/events/questions',
    label: 'nav.questions',
    module: 'module.events',
    allowed: (a) => a.events.some((e) => e.role !== 'controlleur_des_badges'),
    page: () => <Questions />,
  },
  {
    href: '/events/badges',
    label: 'nav.badges',
    module: 'module.events',
    allowed: (a) => a.events.some((e) => e.role !== 'gestionnaire_des_salles'),
    page: () => <Badges />,
  },
  {
    href: '/events/my-badge',
    label: 'nav.myBadge',
    module: 'module.events',
    allowed: (a) => a.events.some((e) => e.role === 'participant' || e.role === 'exposant'),
    page: () => <MyBadge />,
  },
  {
    href: '/events/announcements',
    label: 'nav.announcements',
    module: 'module.events',
    allowed: (a) => a.events.length > 0,
    page: () => <Announcements />,
  },
  {
    href: ROOM_PAGE,
    label: 'nav.room',
    module: 'module.events',
    allowed: (a) =>
      a.isOrgAdmin || a.events.some((e) => e.role === 'manager' || e.role === 'gestionnaire_des_salles'),
    page: () => <RoomPage />,
  },
  {
    href: '/events/stand',
    label: 'nav.stand',
    module: 'module.events',
    allowed: (a) => a.events.some((e) => e.role === 'exposant'),
    page: () => <ExhibitorScanner />,
  },
  {
    href: '/events/scanner',
    label: 'nav.scanner',
    module: 'module.events',
    allowed: controlling,
    page: () => <Scanner />,
  },
  {
    href: '/events/check-in',
    label: 'nav.checkIn',
    module: 'module.events',
    allowed: checkingIn,
    page: () => <CheckIn />,
  },
  {
    href: '/org/users',
    label: 'nav.users',
    module: 'module.org',
    allowed: (a) => a.org,
    page: () => <Users />,
  },
  {
    href: '/org/units',
    label: 'nav.units',
    module: 'module.org',
    allowed: (a) => a.org,
    page: () => <Units />,
  },
  {
    href: '/org/audit',
    label: 'nav.audit',
    module: 'module.org',
    allowed: (a) => a.audit,
    page: () => <Audit />,
  },
  {
    href: '/org/access',
    label: 'nav.access',
    module: 'module.org',
    allowed: (a) => a.audit,
    page: () => <AccessExplain />,
  },
  {
    href: '/monitoring',
    label: 'nav.wall',
    module: 'module.monitoring',
    allowed: (a) => a.monitoring,
    page: () => <Wall />,
  },
  {
    href: '/monitoring/performers',
    label: 'nav.performers',
    module: 'module.monitoring',
    allowed: (a) => a.monitoring,
    page: () => <Performers />,
  },
  {
    href: '/monitoring/groups',
    label: 'nav.groups',
    module: 'module.monitoring',
    allowed: (a) => a.isOrgAdmin,
    page: () => <Groups />,
  },
  {
    href: '/monitoring/hardware',
    label: 'nav.hardware',
    module: 'module.monitoring',
    allowed: (a) => a.isOrgAdmin,
    page: () => <Hardware />,
  },
  {
    href: '/signage',
    label: 'nav.signage',
    module: 'module.signage',
    allowed: (a) => a.signage,
    page: () => <Library />,
  },
  {
    href: '/signage/playlists',
    label: 'nav.signagePlaylists',
    module: 'module.signage',
    allowed: (a) => a.signage,
    page: () => <Playlists />,
  },
  {
    href: '/signage/screens',
    label: 'nav.signageScreens',
    module: 'module.signage',
    allowed: (a) => a.signage,
    page: () => <Screens />,
  },
  {
    href: '/signage/reports',
    label: 'nav.signageReports',
    module: 'module.signage',
    allowed: (a) => a.isOrgAdmin,
    page: () => <Reports />,
  },
];

export function App() {
  const path = usePath();
  // The player runs on a screen with its own device token, never with a user's session.
  if (path === '/player') return <Player />;
  // A side-of-stage display reads with its display link, never with a user's session.
  if (path === '/display') return <Display />;
  return (
    <I18nProvider>
      <SignedIn />
    </I18nProvider>
  );
}

function SignedIn() {
  const [state, setState] = useState<
    { token: string; me: Me; access: Access } | null | 'loading' | 'unreachable'
  >('loading');
  const [error, setError] = useState('');
  const t = useT();

  const load = useCallback(async () => {
    const token = session.token;
    if (!token) return setState(null);
    try {
      const me = await api.get('/api/auth/me');
      setState({ token, me, access: await loadAccess(me) });
    } catch (err) {
      // Only a rejected token signs out; a server that is briefly down keeps the session.
      if (err instanceof ApiError && err.status === 401) session.set(null);
      setError(problemMessage(t, err));
      setState(err instanceof ApiError && err.status === 401 ? null : 'unreachable');
    }
  }, [t]);

  useEffect(() => {
    whenUnauthorized(() => {
      session.set(null);
      setState(null);
    });
    void load();
  }, [load]);

  if (state === 'loading') return <p className="center muted">{t('common.loading')}</p>;
  if (state === 'unreachable')
    return (
      <main className="auth" id="main">
        <section className="card auth-card" role="alert">
          <h1>{t('shell.unreachable')}</h1>
          <p>{error}</p>
          <button type="button" onClick={() => (setState('loading'), void load())}>
            {t('shell.tryAgain')}
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
  const t = useT();
  const path = usePath();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = NAV.filter((n) => n.allowed(access));
  const modules = [...new Set(items.map((n) => n.module))];
  const current = NAV.find((n) => n.href === path);
  useEffect(() => setMenuOpen(false), [path]);

  let content: ReactNode;
  if (path === '/' || path === '/login') content = <Home items={items} />;
  else if (current && current.allowed(access)) content = current.page();
  else if (current) content = <Notice title={t('shell.notAvailable')}>{t('shell.notAvailableText')}</Notice>;
  else content = <Notice title={t('shell.notFound')}>{t('shell.notFoundText', { path })}</Notice>;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('shell.skip')}
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
          <span className="sr-only">{t('shell.menu')}</span>
        </button>
        <Link href="/" className="brand">
          {t('shell.brand')}
        </Link>
        <OrgSwitcher />
        <span className="spacer" />
        <LiveIndicator />
        <LanguageSwitch />
        <span className="who" title={me.user?.username}>
          {me.user?.full_name ?? me.via} <span className="badge">{orgRoleLabel(t, me.role)}</span>
        </span>
        <button type="button" className="ghost" onClick={() => void logout()}>
          {t('shell.logout')}
        </button>
      </header>
      <nav id="nav" className={menuOpen ? 'nav open' : 'nav'} aria-label={t('shell.modules')}>
        {modules.length === 0 && <p className="muted small">{t('shell.noModule')}</p>}
        {modules.map((m) => (
          <section key={m}>
            <h2>{t(m)}</h2>
            <ul>
              {items
                .filter((n) => n.module === m)
                .map((n) => (
                  <li key={n.href}>
                    <Link href={n.href}>{t(n.label)}</Link>
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
  const t = useT();
  const [error, setError] = useState('');
  async function switchOrg(slug: string) {
    try {
      await api.post('/api/auth/switch-org', { body: { org: slug } });
      navigate('/', { replace: true });
      await refresh();
    } catch (err) {
      setError(problemMessage(t, err));
    }
  }
  if (me.orgs.length < 2) return <span className="org-name">{me.org.name}</span>;
  return (
    <label className="org-switch">
      <span className="sr-only">{t('shell.organization')}</span>
      <select value={me.org.slug} onChange={(e) => void switchOrg(e.target.value)}>
        {me.orgs.map((o) => (
          <option key={o.org.id} value={o.org.slug}>
            {o.org.name} ({orgRoleLabel(t, o.role)})
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
