import type { Actor } from '../../core/access/actor.ts';
import type { TenantDeps } from '../../core/db/tenant.ts';
import type { ScreenItem } from './device-playlist.ts';

/**
 * Content another module adds to what a screen plays (the venue's room panel on a room's screens):
 * items computed for that screen, appended after its playlist's. Signage knows no other module;
 * they register here, as access grants do in core.
 */
export type ScreenItemSource = (deps: TenantDeps, actor: Actor, deviceId: string) => Promise<ScreenItem[]>;

const sources = new Map<string, ScreenItemSource>();

/** Adds a source (a module's `register`); registering the same name again replaces it. */
export function registerScreenItems(name: string, source: ScreenItemSource): void {
  sources.set(name, source);
}

/** The items every registered source adds for this screen, in registration order. */
export async function addedScreenItems(
  deps: TenantDeps,
  actor: Actor,
  deviceId: string,
): Promise<ScreenItem[]> {
  const lists = await Promise.all([...sources.values()].map((source) => source(deps, actor, deviceId)));
  return lists.flat();
}
