import { z } from 'zod';
import { ALERT_KINDS, ALERT_SEVERITIES, ALERT_STATES, PRIORITIES, UNIT_STATUSES } from './schema.ts';
import { MANUFACTURERS, PROTOCOLS } from './adapters/types.ts';
import type { AlertRow } from './alerts.ts';
import type { AssignmentRow, PerformerAssignment } from './assignments.ts';
import type { Board } from './boards.ts';
import type { Counts } from './counts.ts';
import type { DiscoveredForOrg } from './discovery.ts';
import type { DisplayLinkRow, DisplayWall } from './display-links.ts';
import type { GroupWithMembers } from './groups.ts';
import type { Chassis, Location, WirelessUnit } from './hardware.ts';
import type { Sample } from './history.ts';
import type { LegacyRow } from './legacy.ts';
import type { Performer } from './performers.ts';
import type { MonitoringSettings } from './settings.ts';

/** The monitoring module's wire boundary: response schemas and the row → JSON mappers behind them. */

const iso = (d: Date | null) => d?.toISOString() ?? null;
const ref = z.object({ id: z.string(), name: z.string() });

// Hardware

export const locationOut = z.object({
  id: z.string(),
  building: z.string(),
  room: z.string(),
  unit_id: z.number().nullable(),
  description: z.string(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});
export const locationView = (l: Location) => ({
  id: l.id,
  building: l.building,
  room: l.room,
  unit_id: l.unitId,
  description: l.description,
  created_at: iso(l.createdAt),
  updated_at: iso(l.updatedAt),
});

export const chassisOut = z.object({
  id: z.string(),
  name: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  ip: z.string().nullable(),
  port: z.number().nullable(),
  firmware: z.string(),
  location_id: z.string().nullable(),
  is_online: z.boolean(),
  is_active: z.boolean(),
  protocol: z.enum(PROTOCOLS),
  missed_polls: z.number(),
  last_polled_at: z.string().nullable(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});
export const chassisView = (c: Chassis) => ({
  id: c.id,
  name: c.name,
  manufacturer: c.manufacturer,
  model: c.model,
  serial: c.serial,
  ip: c.ip,
  port: c.port,
  firmware: c.firmware,
  location_id: c.locationId,
  is_online: c.isOnline,
  is_active: c.isActive,
  protocol: c.protocol,
  missed_polls: c.missedPolls,
  last_polled_at: iso(c.lastPolledAt),
  created_at: iso(c.createdAt),
  updated_at: iso(c.updatedAt),
});

/** A receiver heard announcing itself on the venue network. */
export const discoveredOut = z.object({
  id: z.string(),
  protocol: z.enum(PROTOCOLS),
  /** Who makes it (Shure, Sennheiser), from how it announced itself. */
  vendor: z.string(),
  address: z.string(),
  port: z.number(),
  model: z.string().nullable(),
  name: z.string().nullable(),
  channels: z.number().nullable(),
  device_class: z.string().nullable(),
  first_seen: z.string(),
  last_seen: z.string(),
  /** The chassis it already is in this org, or null when not added yet. */
  chassis_id: z.string().nullable(),
});
export const discoveredView = (d: DiscoveredForOrg) => ({
  id: d.id,
  protocol: d.protocol,
  vendor: MANUFACTURERS[d.protocol],
  address: d.address,
  port: d.port,
  model: d.model,
  name: d.name,
  channels: d.channels,
  device_class: d.deviceClass,
  first_seen: d.firstSeen.toISOString(),
  last_seen: d.lastSeen.toISOString(),
  chassis_id: d.chassisId,
});

export const unitOut = z.object({
  id: z.string(),
  chassis_id: z.string(),
  name: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  slot: z.number(),
  frequency: z.number().nullable(),
  battery: z.number().nullable(),
  rf_signal: z.number().nullable(),
  audio_level: z.number().nullable(),
  status: z.enum(UNIT_STATUSES),
  battery_bars: z.number().nullable(),
  battery_runtime_minutes: z.number().nullable(),
  rf_antenna: z.string().nullable(),
  is_muted: z.boolean(),
  /** The receiver's name for the channel and the transmitter model it reports (null until read). */
  channel_name: z.string().nullable(),
  tx_type: z.string().nullable(),
  is_active: z.boolean(),
  last_seen: z.string().nullable(),
  updated_at: z.string().nullable(),
});
export const unitView = (u: WirelessUnit) => ({
  id: u.id,
  chassis_id: u.chassisId,
  name: u.name,
  model: u.model,
  serial: u.serial,
  slot: u.slot,
  frequency: u.frequency,
  battery: u.battery,
  rf_signal: u.rfSignal,
  audio_level: u.audioLevel,
  status: u.status,
  battery_bars: u.batteryBars,
  battery_runtime_minutes: u.batteryRuntimeMinutes,
  rf_antenna: u.rfAntenna,
  is_muted: u.isMuted,
  channel_name: u.channelName,
  tx_type: u.txType,
  is_active: u.isActive,
  last_seen: iso(u.lastSeen),
  updated_at: iso(u.updatedAt),
});

export const sampleOut = z.object({
  at: z.string(),
  battery: z.number().nullable(),
  rf_signal: z.number().nullable(),
  audio_level: z.number().nullable(),
  status: z.enum(UNIT_STATUSES),
});
export const sampleView = (s: Sample) => ({
  at: s.at.toISOString(),
  battery: s.battery,
  rf_signal: s.rfSignal,
  audio_level: s.audioLevel,
  status: s.status,
});

// Performers and groups

export const performerOut = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  role_description: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string(),
  has_photo: z.boolean(),
  photo_url: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const performerView = (p: Performer) => ({
  id: p.id,
  name: p.name,
  title: p.title,
  role_description: p.roleDescription,
  email: p.email,
  phone: p.phone,
  notes: p.notes,
  has_photo: p.photoKey !== null,
  photo_url: p.photoKey ? `/api/monitoring/performers/${p.id}/photo` : null,
  is_active: p.isActive,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
});

export const groupOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  is_active: z.boolean(),
  members: z.array(z.number()),
  created_at: z.string(),
  updated_at: z.string(),
});
export const groupView = (g: GroupWithMembers) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  is_active: g.isActive,
  members: g.members,
  created_at: g.createdAt.toISOString(),
  updated_at: g.updatedAt.toISOString(),
});

// Assignments

export const prefsOut = z.object({
  battery_low: z.boolean(),
  signal_loss: z.boolean(),
  audio_low: z.boolean(),
  device_offline: z.boolean(),
});
/** The four alert toggles of an assignment as one dict, keyed by alert kind. */
export const alertPreferences = (a: PerformerAssignment) => ({
  battery_low: a.alertOnBatteryLow,
  signal_loss: a.alertOnSignalLoss,
  audio_low: a.alertOnAudioLow,
  device_offline: a.alertOnDeviceOffline,
});

export const assignmentOut = z.object({
  id: z.string(),
  performer: ref,
  wireless_unit: ref,
  monitoring_group: ref,
  priority: z.enum(PRIORITIES),
  notes: z.string(),
  is_active: z.boolean(),
  alert_on_battery_low: z.boolean(),
  alert_on_signal_loss: z.boolean(),
  alert_on_audio_low: z.boolean(),
  alert_on_device_offline: z.boolean(),
  alert_preferences: prefsOut,
  assigned_by: z.number().nullable(),
  assigned_at: z.string(),
  updated_at: z.string(),
});
export const assignmentView = (r: AssignmentRow) => ({
  id: r.a.id,
  performer: { id: r.a.performerId, name: r.performerName },
  wireless_unit: { id: r.a.wirelessUnitId, name: r.unitName },
  monitoring_group: { id: r.a.monitoringGroupId, name: r.groupName },
  priority: r.a.priority,
  notes: r.a.notes,
  is_active: r.a.isActive,
  alert_on_battery_low: r.a.alertOnBatteryLow,
  alert_on_signal_loss: r.a.alertOnSignalLoss,
  alert_on_audio_low: r.a.alertOnAudioLow,
  alert_on_device_offline: r.a.alertOnDeviceOffline,
  alert_preferences: alertPreferences(r.a),
  assigned_by: r.a.assignedBy,
  assigned_at: r.a.assignedAt.toISOString(),
  updated_at: r.a.updatedAt.toISOString(),
});

export const assignmentCountOut = z.object({ total: z.number(), with_alerts: z.number() });
export const assignmentCountView = (c: { total: number; withAlerts: number }) => ({
  total: c.total,
  with_alerts: c.withAlerts,
});

export const legacyOut = z.object({
  id: z.string(),
  user: z.object({ id: z.number(), username: z.string().nullable() }),
  wireless_unit: ref,
  alert_enabled: z.boolean(),
  notes: z.string(),
  is_active: z.boolean(),
  assigned_at: z.string(),
});
export const legacyView = (r: LegacyRow) => ({
  id: r.d.id,
  user: { id: r.d.userId, username: r.username },
  wireless_unit: { id: r.d.wirelessUnitId, name: r.unitName },
  alert_enabled: r.d.alertEnabled,
  notes: r.d.notes,
  is_active: r.d.isActive,
  assigned_at: r.d.assignedAt.toISOString(),
});

// Alerts and settings

export const alertOut = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(ALERT_STATES),
  priority: z.enum(PRIORITIES),
  message: z.string(),
  value: z.number().nullable(),
  unit: ref,
  performer: ref,
  assignment_id: z.string(),
  raised_at: z.string(),
  acknowledged_at: z.string().nullable(),
  acknowledged_by: z.number().nullable(),
  resolved_at: z.string().nullable(),
  updated_at: z.string(),
});
export const alertView = (r: AlertRow) => ({
  id: r.a.id,
  kind: r.a.kind,
  severity: r.a.severity,
  state: r.a.state,
  priority: r.a.priority,
  message: r.a.message,
  value: r.a.value,
  unit: { id: r.a.unitId, name: r.unitName },
  performer: { id: r.a.performerId, name: r.performerName },
  assignment_id: r.a.assignmentId,
  raised_at: r.a.raisedAt.toISOString(),
  acknowledged_at: iso(r.a.acknowledgedAt),
  acknowledged_by: r.a.acknowledgedBy,
  resolved_at: iso(r.a.resolvedAt),
  updated_at: r.a.updatedAt.toISOString(),
});
export type AlertView = ReturnType<typeof alertView>;

const percent = z.number().int().min(0).max(100);
const seconds = z.number().int().min(1).max(3600);
/** The org's thresholds on the wire; the PUT body takes any subset of the same fields. */
export const settingsFields = {
  poll_interval_ms: z.number().int().min(250).max(60_000),
  battery_warning_percent: percent,
  battery_critical_percent: percent,
  rf_loss_below_percent: percent,
  rf_loss_seconds: seconds,
  silence_below_percent: percent,
  silence_seconds: seconds,
  offline_after_missed_polls: z.number().int().min(1).max(100),
  history_every_seconds: seconds,
  history_retention_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366),
};
export const settingsOut = z.object(settingsFields);
export const settingsView = (s: MonitoringSettings) => ({
  poll_interval_ms: s.pollIntervalMs,
  battery_warning_percent: s.batteryWarningPercent,
  battery_critical_percent: s.batteryCriticalPercent,
  rf_loss_below_percent: s.rfLossBelowPercent,
  rf_loss_seconds: s.rfLossSeconds,
  silence_below_percent: s.silenceBelowPercent,
  silence_seconds: s.silenceSeconds,
  offline_after_missed_polls: s.offlineAfterMissedPolls,
  history_every_seconds: s.historyEverySeconds,
  history_retention_hours: s.historyRetentionHours,
});

// Boards, display links, displays and counts

export const boardSlotOut = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('assignment'),
    assignment_id: z.string(),
    performer: ref,
    wireless_unit: ref,
    priority: z.enum(PRIORITIES),
  }),
  z.object({ kind: z.literal('spacer') }),
]);
export const boardOut = z.object({
  monitoring_group_id: z.string(),
  arranged: z.boolean(),
  slots: z.array(boardSlotOut),
});
export const boardView = (b: Board): z.infer<typeof boardOut> => ({
  monitoring_group_id: b.groupId,
  arranged: b.arranged,
  slots: b.slots.map((s) =>
    s.kind === 'spacer'
      ? { kind: 'spacer' as const }
      : {
          kind: 'assignment' as const,
          assignment_id: s.assignmentId,
          performer: s.performer,
          wireless_unit: s.unit,
          priority: s.priority,
        },
  ),
});

const scopeOut = z.object({ kind: z.enum(['group', 'location']), id: z.string(), name: z.string() });
export const displayLinkOut = z.object({
  id: z.string(),
  name: z.string(),
  scope: scopeOut,
  stale_after_seconds: z.number(),
  created_by: z.number().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
const scopeOf = (l: DisplayLinkRow) =>
  l.monitoringGroupId
    ? { kind: 'group' as const, id: l.monitoringGroupId, name: l.scopeName }
    : { kind: 'location' as const, id: l.locationId!, name: l.scopeName };
export const displayLinkView = (l: DisplayLinkRow): z.infer<typeof displayLinkOut> => ({
  id: l.id,
  name: l.name,
  scope: scopeOf(l),
  stale_after_seconds: l.staleAfterSeconds,
  created_by: l.createdBy,
  created_at: l.createdAt.toISOString(),
  last_used_at: iso(l.lastUsedAt),
  revoked_at: iso(l.revokedAt),
});

const displayChannelOut = z.object({
  kind: z.literal('channel'),
  unit: unitOut,
  performers: z.array(z.object({ id: z.string(), name: z.string(), title: z.string() })),
  priority: z.enum(PRIORITIES).nullable(),
  stale: z.boolean(),
  alert: z
    .object({
      kind: z.enum(ALERT_KINDS),
      severity: z.enum(ALERT_SEVERITIES),
      state: z.enum(ALERT_STATES),
      message: z.string(),
    })
    .nullable(),
});
export const displayWallOut = z.object({
  name: z.string(),
  scope: scopeOut,
  stale_after_seconds: z.number(),
  thresholds: z.object({
    battery_warning_percent: z.number(),
    battery_critical_percent: z.number(),
    rf_loss_below_percent: z.number(),
    silence_below_percent: z.number(),
  }),
  server_time: z.string(),
  slots: z.array(z.discriminatedUnion('kind', [displayChannelOut, z.object({ kind: z.literal('spacer') })])),
});
export const displayWallView = (w: DisplayWall): z.infer<typeof displayWallOut> => ({
  name: w.link.name,
  scope: w.scope,
  stale_after_seconds: w.link.staleAfterSeconds,
  thresholds: {
    battery_warning_percent: w.settings.batteryWarningPercent,
    battery_critical_percent: w.settings.batteryCriticalPercent,
    rf_loss_below_percent: w.settings.rfLossBelowPercent,
    silence_below_percent: w.settings.silenceBelowPercent,
  },
  server_time: w.now.toISOString(),
  slots: w.slots.map((s) => {
    if (s.kind === 'spacer') return s;
    return {
      kind: 'channel' as const,
      unit: unitView(s.unit),
      performers: s.performers,
      priority: s.priority,
      stale: s.stale,
      alert: s.alert,
    };
  }),
});

export const countsOut = z.object({
  id: z.string(),
  name: z.string(),
  performers: z.number(),
  active_assignments: z.number(),
  open_alerts: z.number(),
});
export const countsView = (c: Counts): z.infer<typeof countsOut> => ({
  id: c.id,
  name: c.name,
  performers: c.performers,
  active_assignments: c.activeAssignments,
  open_alerts: c.openAlerts,
});
