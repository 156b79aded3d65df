import { sql } from 'drizzle-orm';
import { canWrite, isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { anyOf, definePolicy, type Condition } from '../../core/access/policy.ts';
import { unitScope } from '../org/scope.ts';
import {
  signageAssets,
  signageDevices,
  signageMemberPermissions,
  signagePlaylists,
  signageSchedules,
  signageScreenGroups,
} from './schema.ts';

/** Requests without a user (API keys, screens, system jobs) act for the whole org. */
const orgWide = (actor: Actor) => actor.userId === null || isOrgAdmin(actor);

const createdByActor = (actor: Actor): Condition =>
  actor.userId === null ? false : sql`${signageAssets.createdBy} = ${actor.userId}`;

const holdsViewAllAssets = (actor: Actor): Condition =>
  actor.userId === null
    ? false
    : sql`exists (select 1 from ${signageMemberPermissions}
        where ${signageMemberPermissions.orgId} = ${signageAssets.orgId}
          and ${signageMemberPermissions.userId} = ${actor.userId}
          and ${signageMemberPermissions.viewAllAssets})`;

/**
 * `user_asset_access`: a member sees the assets they created, or all of them with the
 * `view_all_assets` permission; admins see all. Changing an asset needs write access and either
 * admin rights or authorship. The same rule is enforced by the restrictive RLS policy
 * `signage_assets_user_asset_access` on signage_assets.
 */
export const assetPolicy = definePolicy({
  entity: 'Asset',
  table: signageAssets,
  see: (actor) => (orgWide(actor) ? true : anyOf(createdByActor(actor), holdsViewAllAssets(actor))),
  actions: {
    manage: (actor) => (!canWrite(actor) ? false : orgWide(actor) ? true : createdByActor(actor)),
  },
});

/** Every member sees the playlists; writers (members and up) edit them. */
export const playlistPolicy = definePolicy({
  entity: 'Playlist',
  table: signagePlaylists,
  see: () => true,
  actions: { manage: (actor) => canWrite(actor) },
});

/**
 * Every member sees the screens tied to no org unit; one tied to a unit is seen by those the org
 * module's unit scope admits. Claiming, renaming and removing them is for admins.
 */
export const devicePolicy = definePolicy({
  entity: 'Device',
  table: signageDevices,
  see: (actor, at) =>
    orgWide(actor)
      ? true
      : anyOf(sql`${signageDevices.unitId} is null`, unitScope(actor, { unitId: signageDevices.unitId }, at)),
  // Sight other modules derive onto a screen (the room slot of the room it serves).
  derived: {
    target: 'signage.screen',
  },
  describe: {
    kind: 'signage.screen',
    source: 'any membership when tied to no org unit; otherwise an assignment to its org unit',
    label: () => sql`${signageDevices.name}`,
    id: () => sql`${signageDevices.id}::text`,
    timeAware: true,
  },
  actions: { manage: (actor) => isOrgAdmin(actor) },
});

/** Groups follow their screens: every member sees them, admins form and change them. */
export const groupPolicy = definePolicy({
  entity: 'Screen group',
  table: signageScreenGroups,
  see: () => true,
  actions: { manage: (actor) => isOrgAdmin(actor) },
});

/** Schedules decide what screens show, so they are managed like the screens: by admins. */
export const schedulePolicy = definePolicy({
  entity: 'Schedule',
  table: signageSchedules,
  see: () => true,
  actions: { manage: (actor) => isOrgAdmin(actor) },
});
