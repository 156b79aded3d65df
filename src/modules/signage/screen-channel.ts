import { liveEvent, type LiveEvent } from '../../core/events/bus.ts';

/**
 * What is pushed to connected screens over `/api/live` (device token). The poll carries the same
 * things, so a screen that is not connected, or misses a message, catches up at its next poll;
 * the push only makes it immediate.
 */

/** A command for one screen, as the poll lists it. */
export interface PushedCommand {
  id: string;
  deviceId: string;
  command: string;
  createdAt: Date;
}

/** One `signage.screen.command` per command, heard only by the screen it is for. */
export function screenCommandEvents(orgId: string, commands: PushedCommand[]): LiveEvent[] {
  return commands.map((c) =>
    liveEvent(
      orgId,
      'signage.screen.command',
      { id: c.id, command: c.command, created_at: c.createdAt.toISOString() },
      { screens: [c.deviceId] },
    ),
  );
}

/** The emergency message as a screen shows it (the poll's `emergency`). */
export interface PushedEmergency {
  id: string;
  message: string;
  color: string;
  background: string;
  imageUrl: string | null;
  expiresAt: Date;
}

/**
 * `signage.screen.emergency`: the message now in force for the screens named (all the org's
 * when null), or `emergency: null` to every screen once it is cleared.
 */
export function screenEmergencyEvent(
  orgId: string,
  emergency: PushedEmergency | null,
  deviceIds: string[] | null,
): LiveEvent {
  const data = emergency && {
    id: emergency.id,
    message: emergency.message,
    color: emergency.color,
    background: emergency.background,
    image_url: emergency.imageUrl,
    expires_at: emergency.expiresAt.toISOString(),
  };
  return liveEvent(orgId, 'signage.screen.emergency', { emergency: data }, { screens: deviceIds ?? true });
}
