import type { Audience } from '../../core/events/bus.ts';

/** Screens coming and going, and the subscription, concern the people who run the org. */
export const ORG_ADMINS: Audience = { orgRoles: ['owner', 'admin'] };
