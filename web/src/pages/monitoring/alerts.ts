/** The four alerts an assignment can raise, as `[field, label]`, in the order the screens list them. */
export const ALERT_TOGGLES = [
  ['alert_on_battery_low', 'Battery low'],
  ['alert_on_signal_loss', 'Signal loss'],
  ['alert_on_audio_low', 'Audio low'],
  ['alert_on_device_offline', 'Offline'],
] as const;
