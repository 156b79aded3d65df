/**
 * The machine's ceilings, in a process of its own like the server: Fastify answering a constant,
 * and Fastify answering one primary-key select straight through `pg` (same pool size as Roster),
 * so every scenario can be read as a fraction of what this machine does with no application code.
 */
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.env.PORT);
const ids = (process.env.BENCH_PK_IDS ?? '').split(',').filter(Boolean);
const orgId = process.env.BENCH_ORG_ID!;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
let next = 0;
app.get('/constant', () => Promise.resolve({ status: 'ok' }));
app.get('/pk', async () => {
  const id = ids[next++ % ids.length];
  const { rows } = await pool.query('select id, name, title from performers where org_id = $1 and id = $2', [
    orgId,
    id,
  ]);
  return rows[0];
});
await app.listen({ port, host: '127.0.0.1' });
console.log(`ceiling server ready on ${port}`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
