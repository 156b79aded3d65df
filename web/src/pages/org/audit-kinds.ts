import type { Key } from '../../i18n/en';
import type { T } from '../../i18n';

/** Where each kind of audited record is managed in the console. */
const PAGES: Record<string, string> = {
  user: '/org/users',
  membership: '/org/users',
  unit: '/org/units',
  department: '/org/units',
  section: '/org/units',
  event: '/events/manage',
  event_room: '/events/manage',
  event_session: '/events/manage',
  event_participant: '/events/badges',
  event_annonce: '/events/announcements',
  event_assignment: '/events/slots',
  room_assignment: '/events/slots',
  session_question: '/events/questions',
  exposant_scan: '/events/stand',
  performer: '/monitoring/performers',
  performer_assignment: '/monitoring/performers',
  monitoring_group: '/monitoring/groups',
  monitoring_location: '/monitoring/groups',
  wireless_unit: '/monitoring',
  wireless_chassis: '/monitoring',
  monitoring_alert: '/monitoring',
  signage_device: '/signage',
  signage_playlist: '/signage',
  signage_asset: '/signage',
};

/** The console page of an entity type, if it has one. */
export const pageOfKind = (type: string): string | undefined => PAGES[type];

/** Catalogue labels of the entity types and actions the API records; others show as recorded. */
const KINDS: Record<string, Key> = {
  user: 'auditKind.user',
  membership: 'auditKind.membership',
  organization: 'auditKind.organization',
  api_key: 'auditKind.api_key',
  invitation: 'auditKind.invitation',
  unit: 'auditKind.unit',
  department: 'auditKind.department',
  section: 'auditKind.section',
  event: 'auditKind.event',
  event_room: 'auditKind.event_room',
  event_session: 'auditKind.event_session',
  event_participant: 'auditKind.event_participant',
  event_annonce: 'auditKind.event_annonce',
  event_assignment: 'auditKind.event_assignment',
  room_assignment: 'auditKind.room_assignment',
  session_question: 'auditKind.session_question',
  exposant_scan: 'auditKind.exposant_scan',
  performer: 'auditKind.performer',
  performer_assignment: 'auditKind.performer_assignment',
  monitoring_group: 'auditKind.monitoring_group',
  monitoring_location: 'auditKind.monitoring_location',
  wireless_unit: 'auditKind.wireless_unit',
  wireless_chassis: 'auditKind.wireless_chassis',
  monitoring_alert: 'auditKind.monitoring_alert',
  signage_device: 'auditKind.signage_device',
  signage_playlist: 'auditKind.signage_playlist',
  signage_asset: 'auditKind.signage_asset',
};
const ACTIONS: Record<string, Key> = {
  create: 'auditAction.create',
  update: 'auditAction.update',
  delete: 'auditAction.delete',
  assign: 'auditAction.assign',
  unassign: 'auditAction.unassign',
  revoke: 'auditAction.revoke',
  login: 'auditAction.login',
  invite: 'auditAction.invite',
  check_in: 'auditAction.check_in',
  force_entry: 'auditAction.force_entry',
};

export const kindLabel = (t: T, type: string) => (KINDS[type] ? t(KINDS[type]) : type);
export const actionLabel = (t: T, action: string) => (ACTIONS[action] ? t(ACTIONS[action]) : action);
