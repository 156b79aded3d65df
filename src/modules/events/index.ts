import type { RosterModule } from '../../core/http/app.ts';
import { inOrgFromArgs } from '../../core/cli-support.ts';
import { onInvitationAccepted } from '../identity/invitations.ts';
import { grantInvitedRoles } from './roles.ts';
import { registerEventRoutes } from './routes.ts';
import { seedEventsDemo } from './demo.ts';
import { printSummary, seedDemoEvent } from './seed-demo.ts';

/**
 * Events, rooms, sessions, per-event roles, room slots, badges and door scans, announcements,
 * questions, exhibitor visits, documents and statistics.
 */
export const eventsModule: RosterModule = {
  name: 'events',
  register(app) {
    registerEventRoutes(app);
    onInvitationAccepted(grantInvitedRoles);
  },
  seedDemo: (t, users) => seedEventsDemo(t, users),
  commands: {
    'events seed-demo': {
      summary:
        'build a realistic demo event: 10 rooms, a day of sessions, staff slots, N participants, exposants ' +
        '[--org demo] [--participants 500]',
      run: async (app, args) => {
        const summary = await inOrgFromArgs(
          app,
          args,
          'cli:events-seed-demo',
          (t, flags) =>
            seedDemoEvent(t, {
              participants: flags.participants === undefined ? 500 : Number(flags.participants),
              password: app.deps.config.demoPassword,
            }),
          { participants: { type: 'string' } },
        );
        printSummary(summary);
      },
    },
  },
};
