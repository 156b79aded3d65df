import type { RosterModule } from '../../core/http/app.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { registerMonitoringRoutes } from './routes.ts';
import { createChassis, createLocation, createUnit } from './hardware.ts';
import { createPerformer } from './performers.ts';
import { createGroup } from './groups.ts';
import { createAssignment } from './assignments.ts';
import type { Priority } from './schema.ts';

import { migrateLegacyAssignments } from './legacy.ts';
import { inOrgFromArgs } from '../../core/cli-support.ts';

export { migrateLegacyAssignments };

const DEMO_STAGE: { performer: string; title: string; priority: Priority; battery: number }[] = [
  { performer: 'Alice Johnson', title: 'Lead Vocals', priority: 'critical', battery: 92 },
  { performer: 'Ben Okafor', title: 'Backing Vocals', priority: 'high', battery: 64 },
  { performer: 'Chloé Martin', title: 'Host', priority: 'high', battery: 18 },
  { performer: 'Dev Patel', title: 'Guitar', priority: 'normal', battery: 77 },
  { performer: 'Emma Li', title: 'Keys', priority: 'low', battery: 100 },
];

/**
 * Demo stage: one location, a receiver with six channels, five performers on the first five in the
 * "Main Stage" group whose member is the demo technician `tech`; the sixth channel is a spare.
 */
async function seedDemo(t: TenantTx, users: Record<string, number>) {
  const stage = await createLocation(t, { building: 'Main Hall', room: 'Stage', description: 'Main stage, stage-left rack' });
  const rack = await createChassis(t, { name: 'Stage Rack A', manufacturer: 'Shure', model: 'ULXD4Q', serial: 'DEMO-ULXD4Q-01', ip: '127.0.0.1', port: 2202, firmware: '2.7.6', locationId: stage.id, isOnline: true });
  const units = [];
  for (let slot = 1; slot <= 6; slot++) {
    const seat = DEMO_STAGE[slot - 1];
    units.push(
      await createUnit(t, {
        chassisId: rack.id, name: `CH${slot}`, model: 'ULXD2', serial: `DEMO-CH${slot}`, slot, frequency: 470.125 + slot * 0.6,
        battery: seat?.battery ?? null, rfSignal: seat ? 80 : null, audioLevel: seat ? 40 : null, status: seat ? 'online' : 'idle', lastSeen: seat ? new Date() : null,
      }),
    );
  }
  const members = users.tech ? [users.tech] : [];
  const group = await createGroup(t, { name: 'Main Stage', description: 'Everything on the main stage', members });
  for (const [i, seat] of DEMO_STAGE.entries()) {
    const performer = await createPerformer(t, { name: seat.performer, title: seat.title });
    await createAssignment(t, { performerId: performer.id, wirelessUnitId: units[i].id, monitoringGroupId: group.id, priority: seat.priority, notes: `${seat.title} microphone` });
  }
}

/** Performers, wireless hardware, monitoring groups and performer assignments (seeds 000, 001). */
export const monitoringModule: RosterModule = {
  name: 'monitoring',
  register(app) {
    registerMonitoringRoutes(app);
  },
  seedDemo,
  commands: {
    'monitoring migrate-legacy': {
      summary: 'turn legacy user→channel DeviceAssignments into performers and PerformerAssignments [--org slug]',
      run: async (app, args) => {
        const report = await inOrgFromArgs(app, args, 'cli:migrate-legacy', (t) => migrateLegacyAssignments(t));
        console.log(`created performers: ${report.created_performers}, created assignments: ${report.created_assignments}, skipped (already migrated): ${report.skipped}`);
      },
    },
  },
};
