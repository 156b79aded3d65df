import { eq } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { getDevice, type Device } from './devices.ts';
import { signageDeviceHealth } from './schema.ts';
import { latestScreenshot, type Screenshot } from './screenshots.ts';

export type HealthRow = typeof signageDeviceHealth.$inferSelect;

/** Everything the console shows about one screen's state: presence, its own report, its last screenshot. */
export interface ScreenHealth {
  device: Device;
  report: HealthRow | null;
  screenshot: Screenshot | null;
}

export async function screenHealth(t: TenantTx, deviceId: string): Promise<ScreenHealth> {
  const device = await getDevice(t, deviceId);
  const [report] = await t.tx
    .select()
    .from(signageDeviceHealth)
    .where(eq(signageDeviceHealth.deviceId, deviceId));
  return { device, report: report ?? null, screenshot: await latestScreenshot(t, deviceId) };
}
