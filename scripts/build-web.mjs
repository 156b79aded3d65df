// `npm start` runs this first: builds the console (web/ → web/dist) only when web/dist is missing
// or older than its sources, so a fresh clone serves the console and later starts cost nothing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'index.html', 'vite.config.ts'])
    if (fs.existsSync(path.join(web, p))) visit(path.join(web, p));
  return newest;
}

/** Builds when needed; returns true when it built. */
export async function buildWeb({ force = false, quiet = false } = {}) {
  const stale = force || !fs.existsSync(builtIndex) || fs.statSync(builtIndex).mtimeMs < newestSource();
  if (!stale) return false;
  if (!quiet) console.log('Building the web console (web/ → web/dist)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(`Could not build the web console: ${err.message}`);
    process.exit(1);
  });
}
