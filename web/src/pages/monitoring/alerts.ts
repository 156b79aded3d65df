import type { Key } from '../../i18n/en';
import type { T } from '../../i18n';

/** The four alerts an assignment can raise, as `[field, label key]`, in the order the screens list them. */
export const ALERT_TOGGLES = [
  ['alert_on_battery_low', 'monitoring.performers.alertOn.batteryLow'],
  ['alert_on_signal_loss', 'monitoring.performers.alertOn.signalLoss'],
  ['alert_on_audio_low', 'monitoring.performers.alertOn.audioLow'],
  ['alert_on_device_offline', 'monitoring.performers.alertOn.offline'],
] as const satisfies readonly (readonly [string, Key])[];

const PRIORITY_KEYS: Record<string, Key> = {
  critical: 'monitoring.performers.priority.critical',
  high: 'monitoring.performers.priority.high',
  normal: 'monitoring.performers.priority.normal',
  low: 'monitoring.performers.priority.low',
};
const SEVERITY_KEYS: Record<string, Key> = {
  warning: 'monitoring.wall.severity.warning',
  critical: 'monitoring.wall.severity.critical',
};
const UNIT_STATUS_KEYS: Record<string, Key> = {
  online: 'monitoring.wall.status.online',
  offline: 'monitoring.wall.status.offline',
  idle: 'monitoring.wall.status.idle',
  muted: 'monitoring.wall.status.muted',
  unknown: 'monitoring.wall.status.unknown',
};

// The API's own words stay the values; a value the console does not know yet is shown as it is.
const labelOf = (keys: Record<string, Key>) => (t: T, value: string) =>
  keys[value] ? t(keys[value]) : value;
export const priorityLabel = labelOf(PRIORITY_KEYS);
export const severityLabel = labelOf(SEVERITY_KEYS);
export const unitStatusLabel = labelOf(UNIT_STATUS_KEYS);
