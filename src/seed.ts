import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './core/config.ts';
import type { Db } from './core/db/client.ts';
import { withTenant } from './core/db/tenant.ts';
import { systemActor, type OrgRole } from './core/access/actor.ts';
import { temporaryPassword } from './core/auth/secrets.ts';
import type { RosterModule } from './core/http/app.ts';
import { createOrganization, createUser, findOrganizationBySlug } from './modules/identity/service.ts';

export const DEMO_ORG = 'demo';

/** The demo users of DESIGN.md § Fixed conventions, with their org role and what they show. */
export const DEMO_USERS: Array<{ username: string; fullName: string; orgRole: OrgRole; shows: string }> = [
  { username: 'admin', fullName: 'Ada Admin', orgRole: 'owner', shows: 'org owner: everything' },
  {
    username: 'tech',
    fullName: 'Theo Technician',
    orgRole: 'member',
    shows: 'monitoring technician of the main stage (sees only its group)',
  },
  {
    username: 'stage.tech',
    fullName: 'Sam Stagehand',
    orgRole: 'member',
    shows: 'monitoring technician of the second stage',
  },
  {
    username: 'plant.user',
    fullName: 'Priya Plant',
    orgRole: 'member',
    shows: 'org User assigned to two units',
  },
  {
    username: 'gestionnaire',
    fullName: 'Gaston Gestionnaire',
    orgRole: 'member',
    shows: 'room manager in the demo event',
  },
  {
    username: 'controleur',
    fullName: 'Chloé Contrôleur',
    orgRole: 'member',
    shows: 'badge controller in the demo event',
  },
  {
    username: 'participant',
    fullName: 'Paul Participant',
    orgRole: 'member',
    shows: 'participant of the demo event',
  },
  {
    username: 'exposant',
    fullName: 'Emma Exposant',
    orgRole: 'member',
    shows: 'exhibitor at the demo event',
  },
];

export interface DemoResult {
  created: boolean;
  password?: string;
}

function credentialsFile(config: Config) {
  return path.join(config.dataDir, 'demo-credentials.txt');
}

/**
 * Creates the demo organization on first start. The password is ROSTER_DEMO_PASSWORD, or a random
 * one written to DATA_DIR/demo-credentials.txt (mode 600) so later starts can print it again.
 */
export async function seedDemo(db: Db, config: Config, modules: RosterModule[]): Promise<DemoResult> {
  if (await findOrganizationBySlug(db, DEMO_ORG)) {
    const file = credentialsFile(config);
    const password =
      config.demoPassword ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined);
    return { created: false, password };
  }
  const password = config.demoPassword ?? temporaryPassword(14);
  const org = await createOrganization(db, { name: 'Demo Organization', slug: DEMO_ORG });
  const ids: Record<string, number> = {};
  await withTenant({ db }, systemActor(org.id, 'seed'), async (t) => {
    for (const u of DEMO_USERS) {
      const { user } = await createUser(t, {
        username: u.username,
        fullName: u.fullName,
        email: `${u.username}@demo.roster.test`,
        password,
        orgRole: u.orgRole,
      });
      ids[u.username] = user.id;
    }
  });
  for (const module of modules) {
    if (module.seedDemo)
      await withTenant({ db }, systemActor(org.id, 'seed'), (t) => module.seedDemo!(t, ids));
  }
  if (!config.demoPassword) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(credentialsFile(config), `${password}\n`, { mode: 0o600 });
  }
  return { created: true, password };
}
