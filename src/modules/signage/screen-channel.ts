import { liveEvent, type LiveEvent } from '../../core/events/bus.ts';
import type { ScreenCommand, ScreenEmergency } from './device-playlist.ts';
import { screenCommandView, screenEmergencyView } from './views.ts';

/**
 * What is pushed to connected screens over `/api/live` (device token). The poll carries the same
 * things in the same shapes, so a screen that is not connected, or misses a message, catches up at
 * its next poll; the push only makes it immediate.
 */

/** A command for one screen, as the poll lists it. */
export type PushedCommand = ScreenCommand & { deviceId: string };

/** One `signage.screen.command` per command, heard only by the screen it is for. */
export function screenCommandEvents(orgId: string, commands: PushedCommand[]): LiveEvent[] {
  return commands.map((c) =>
    liveEvent(orgId, 'signage.screen.command', screenCommandView(c), { screens: [c.deviceId] }),
  );
}

/**
 * `signage.screen.emergency`: the message now in force for the screens named (all the org's
 * when null), or `emergency: null` to every screen once it is cleared.
 */
export function screenEmergencyEvent(
  orgId: string,
  emergency: ScreenEmergency | null,
  deviceIds: string[] | null,
): LiveEvent {
  const data = emergency && screenEmergencyView(emergency);
  return liveEvent(orgId, 'signage.screen.emergency', { emergency: data }, { screens: deviceIds ?? true });
}
