import { createContext, useContext } from 'react';
import { api, type Answer } from './api/client';

export type Me = Answer<'/api/auth/me', 'get'>;
export type EventRole =
  'gestionnaire_des_salles' | 'controlleur_des_badges' | 'participant' | 'exposant' | 'manager';

/** What the signed-in user may open, derived from their org role and their assignments. */
export interface Access {
  isOrgAdmin: boolean;
  org: boolean;
  audit: boolean;
  monitoring: boolean;
  signage: boolean;
  /** The events the user takes part in, with their role in each. */
  events: Array<{ id: string; name: string; role: EventRole; timezone: string }>;
}

export interface SessionValue {
  me: Me;
  access: Access;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in shell');
  return value;
}

const ok = <T,>(p: Promise<T>) =>
  p.then(
    (v) => v,
    () => null,
  );

/**
 * Asks each module what this user reaches. Org admins see everything; others see a module when
 * they hold an assignment in it (a monitoring group, an event role, an org unit role).
 */
export async function loadAccess(me: Me): Promise<Access> {
  // A session with a temporary password reaches nothing but the change form (the server refuses
  // everything else), so nothing is asked until the password is changed.
  if (me.user?.must_change_password)
    return { isOrgAdmin: false, org: false, audit: false, monitoring: false, signage: false, events: [] };
  const isOrgAdmin = me.role === 'owner' || me.role === 'admin';
  const [groups, events, orgUser, playlists] = await Promise.all([
    ok(api.get('/api/monitoring/me/groups', { query: { limit: 1 } })),
    ok(api.get('/api/events/events', { query: { limit: 100 } })),
    me.user ? ok(api.get('/api/auth/users/{id}', { path: { id: me.user.id } })) : Promise.resolve(null),
    ok(api.get('/api/signage/playlists', { query: { limit: 1 } })),
  ]);
  const eventRoles: Access['events'] = [];
  for (const ev of events?.items ?? []) {
    if (isOrgAdmin || ev.created_by === me.user?.id || ev.president_id === me.user?.id) {
      eventRoles.push({ id: ev.id, name: ev.name, role: 'manager', timezone: ev.timezone });
      continue;
    }
    const mine = await ok(
      api.get('/api/events/events/{id}/assignments', { path: { id: ev.id }, query: { limit: 10 } }),
    );
    const own = mine?.items.find((a) => a.user_id === me.user?.id);
    if (own) eventRoles.push({ id: ev.id, name: ev.name, role: own.role, timezone: ev.timezone });
  }
  const orgRole = orgUser?.role;
  return {
    isOrgAdmin,
    org: isOrgAdmin || orgRole === 'Admin' || orgRole === 'Unit Head' || orgRole === 'Section Head',
    audit: isOrgAdmin,
    monitoring: isOrgAdmin || (groups?.items.length ?? 0) > 0,
    signage: isOrgAdmin || (playlists?.items.length ?? 0) > 0,
    events: eventRoles,
  };
}
