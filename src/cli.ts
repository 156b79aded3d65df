import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './core/config.ts';
import { withTenant } from './core/db/tenant.ts';
import { ORG_ROLES, systemActor, type OrgRole } from './core/access/actor.ts';
import { createOrganization, createUser, findOrganizationBySlug } from './modules/identity/service.ts';
import { createServer, modules, openRuntime } from './server.ts';
import { DEMO_ORG, DEMO_USERS, seedDemo } from './seed.ts';
import { takeDataDirFor, type DataDirLock } from './core/db/data-dir-lock.ts';
import { backupCommand, restoreCommand, serveBackups } from './core/backup-cli.ts';
import { checkStartSettings, SettingError } from './core/startup-checks.ts';
import { drainOnSignals } from './core/http/drain.ts';

const USAGE = `roster <command> [options]

  start                    migrate, seed the demo org if the database is empty, serve
  migrate                  apply database migrations
  seed                     create the demo organization if it does not exist
  create-org --name N --slug S [--domain D]
  create-user --org S --username U [--email E] [--full-name F] [--role owner|admin|member|viewer] [--password P]
  backup FILE              consistent snapshot of every table (taken by the server if one holds DATA_DIR)
  restore FILE             load a backup into an empty DATA_DIR or an empty DATABASE_URL database

Environment: PORT, HOST, DATA_DIR, DATABASE_URL, REDIS_URL, ROSTER_DEMO_PASSWORD (see docs/operations.md)`;

/** Module commands are keyed by their whole phrase: `monitoring migrate-legacy`, `simulate receivers`. */
function findModuleCommand(argv: string[]) {
  for (const words of [2, 1]) {
    const phrase = argv.slice(0, words).join(' ');
    for (const m of modules) {
      const command = m.commands?.[phrase];
      if (command) return { command, args: argv.slice(words) };
    }
  }
  return undefined;
}

/** The fixed commands, then each module's own. */
function usage(): string {
  const extra = modules.flatMap((m) =>
    Object.entries(m.commands ?? {}).map(([phrase, c]) => `  ${phrase.padEnd(27)}${c.summary}`),
  );
  return extra.length ? `${USAGE.replace('\n\nEnvironment', `\n${extra.join('\n')}\n\nEnvironment`)}` : USAGE;
}

async function withRuntime<T>(
  config: Config,
  command: string,
  fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>,
): Promise<T> {
  const lock = await takeDataDirFor(config, command);
  try {
    const rt = await openRuntime(config);
    try {
      await rt.database.migrate();
      return await fn(rt);
    } finally {
      await rt.close();
    }
  } finally {
    await lock?.release();
  }
}

function printDemo(url: string, password: string | undefined) {
  const lines = [`Demo organization "${DEMO_ORG}" — log in at ${url} (API docs: ${url}/docs)`];
  for (const u of DEMO_USERS) lines.push(`  ${u.username.padEnd(13)} ${u.shows}`);
  lines.push(
    password
      ? `  password for every demo user: ${password}`
      : '  password: set by ROSTER_DEMO_PASSWORD when the demo was created',
  );
  console.log(lines.join('\n'));
}

async function start(config: Config) {
  const lock: DataDirLock | undefined = await takeDataDirFor(config, 'start');
  const rt = await openRuntime(config);
  if (lock) serveBackups(lock, rt.database, config.uploadsDir);
  await rt.database.migrate();
  const demo = await seedDemo(rt.database.db, config, modules);
  const app = await createServer(config, rt, { logger: { level: config.logLevel } });
  await app.listen({ port: config.port, host: config.host });
  app.jobs.start();
  for (const module of modules) await module.onStart?.(app);
  const url = `http://${config.host}:${config.port}`;
  console.log(`Roster listening on ${url}`);
  printDemo(url, demo.password);
  drainOnSignals(
    app,
    async () => {
      await rt.close();
      await lock?.release();
    },
    config.shutdownTimeoutMs,
  );
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  // Before anything opens: a wrong setting stops `start` with one line naming it.
  if (command === 'start') await checkStartSettings();
  const config = loadConfig();
  const { values } = parseArgs({
    args: findModuleCommand(argv) ? [] : rest,
    options: {
      name: { type: 'string' },
      slug: { type: 'string' },
      domain: { type: 'string' },
      org: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      'full-name': { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
    },
    allowPositionals: true,
  });
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate':
      return withRuntime(config, command, () => {
        console.log('migrations applied');
        return Promise.resolve();
      });
    case 'seed':
      return withRuntime(config, command, async (rt) => {
        const demo = await seedDemo(rt.database.db, config, modules);
        console.log(demo.created ? 'demo organization created' : 'demo organization already exists');
        printDemo(`http://${config.host}:${config.port}`, demo.password);
      });
    case 'create-org':
      if (!values.name || !values.slug) throw new Error('create-org needs --name and --slug');
      return withRuntime(config, command, async (rt) => {
        const org = await createOrganization(rt.database.db, {
          name: values.name!,
          slug: values.slug!,
          domain: values.domain,
        });
        console.log(`organization ${org.slug} created (${org.id})`);
      });
    case 'create-user': {
      if (!values.org || !values.username) throw new Error('create-user needs --org and --username');
      const role = (values.role ?? 'member') as OrgRole;
      if (!ORG_ROLES.includes(role)) throw new Error(`--role must be one of ${ORG_ROLES.join(', ')}`);
      return withRuntime(config, command, async (rt) => {
        const org = await findOrganizationBySlug(rt.database.db, values.org!);
        if (!org) throw new Error(`no organization with slug ${values.org}`);
        const { user, temporaryPassword } = await withTenant(
          { db: rt.database.db },
          systemActor(org.id, 'cli'),
          (t) =>
            createUser(t, {
              username: values.username!,
              email: values.email,
              fullName: values['full-name'],
              password: values.password,
              orgRole: role,
            }),
        );
        console.log(`user ${user.username} (id ${user.id}) created in ${org.slug} as ${role}`);
        if (temporaryPassword)
          console.log(`temporary password (must be changed at first login): ${temporaryPassword}`);
      });
    }
    case 'backup':
      return backupCommand(config, rest[0]);
    case 'restore':
      return restoreCommand(config, rest[0]);
    default: {
      const found = findModuleCommand(argv);
      if (found) {
        const phrase = argv.slice(0, argv.length - found.args.length).join(' ');
        return withRuntime(config, phrase, async (rt) => {
          const app = await createServer(config, rt, { logger: { level: 'warn' } });
          try {
            await found.command.run(app, found.args);
          } finally {
            await app.close();
          }
        });
      }
      console.log(usage());
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
    }
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof SettingError) console.error(`roster: ${err.message}`);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
