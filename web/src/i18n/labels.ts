import type { Answer } from '../api/client';
import type { EventRole } from '../auth';
import type { Key } from './en';
import type { T } from './index';

/** The API's own words (role strings, statuses, audiences) stay as they are; these are their labels. */
function label(t: T, keys: Record<string, Key>, value: string): string {
  const key = keys[value];
  return key ? t(key) : value;
}

const ORG_ROLES: Record<string, Key> = {
  owner: 'orgRole.owner',
  admin: 'orgRole.admin',
  member: 'orgRole.member',
};
export const orgRoleLabel = (t: T, role: string) => label(t, ORG_ROLES, role);

const EVENT_ROLES: Record<EventRole, Key> = {
  manager: 'eventRole.manager',
  gestionnaire_des_salles: 'eventRole.gestionnaire_des_salles',
  controlleur_des_badges: 'eventRole.controlleur_des_badges',
  participant: 'eventRole.participant',
  exposant: 'eventRole.exposant',
};
export const eventRoleLabel = (t: T, role: string) => label(t, EVENT_ROLES, role);

const SESSION_STATUSES: Record<string, Key> = {
  pas_encore: 'status.pas_encore',
  en_cours: 'status.en_cours',
  termine: 'status.termine',
};
export const sessionStatusLabel = (t: T, status: string) => label(t, SESSION_STATUSES, status);

/** Who an announcement is for: the API's audience values. */
export const AUDIENCES = ['all', 'participants', 'exposants', 'controlleurs', 'gestionnaires'] as const;
const AUDIENCE_KEYS: Record<string, Key> = {
  all: 'audience.all',
  participants: 'audience.participants',
  exposants: 'audience.exposants',
  controlleurs: 'audience.controlleurs',
  gestionnaires: 'audience.gestionnaires',
};
export const audienceLabel = (t: T, audience: string) => label(t, AUDIENCE_KEYS, audience);

const SESSION_TYPES: Record<string, Key> = {
  conference: 'sessionType.conference',
  atelier: 'sessionType.atelier',
};
export const sessionTypeLabel = (t: T, type: string) => label(t, SESSION_TYPES, type);

const EVENT_STATUSES: Record<string, Key> = {
  draft: 'eventStatus.draft',
  published: 'eventStatus.published',
  cancelled: 'eventStatus.cancelled',
};
export const eventStatusLabel = (t: T, status: string) => label(t, EVENT_STATUSES, status);

const USER_ROLES: Record<string, Key> = {
  User: 'userRole.User',
  'Section Head': 'userRole.SectionHead',
  'Unit Head': 'userRole.UnitHead',
  Admin: 'userRole.Admin',
};
export const userRoleLabel = (t: T, role: string) => label(t, USER_ROLES, role);

const ASSET_TYPES: Record<string, Key> = {
  image: 'assetType.image',
  video: 'assetType.video',
  webpage: 'assetType.webpage',
  stream: 'assetType.stream',
};
/** Every protocol the API can answer has its label: a new one does not compile without it. */
const PROTOCOLS: Record<Answer<'/api/monitoring/chassis', 'get'>['items'][number]['protocol'], Key> = {
  'roster-json': 'protocol.roster-json',
  shure: 'protocol.shure',
  sennheiser: 'protocol.sennheiser',
  'sennheiser-sscv2': 'protocol.sennheiser-sscv2',
};
export const protocolLabel = (t: T, protocol: string) => label(t, PROTOCOLS, protocol);

export const assetTypeLabel = (t: T, type: string) => label(t, ASSET_TYPES, type);
