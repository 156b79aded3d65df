import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RosterModule, RosterApp } from '../../core/http/app.ts';
import { notFoundHandler } from '../../core/http/errors.ts';

/** The built console (`npm run build:web`, or `npm start`, which builds it when stale). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Paths that belong to the API and its documentation: never answered with the console. */
const SERVER_PATHS = /^\/(api|docs)(\/|$)|^\/(openapi\.json|healthz|readyz|metrics)$/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Roster: console not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5;padding:0 1rem">
<h1>The Roster web console is not built yet</h1>
<p>The API is running (see <a href="/docs">/docs</a>), but <code>web/dist</code> is missing. Build the console with</p>
<pre style="background:#eee;padding:1rem">npm run build:web</pre>
<p>then reload this page. (<code>npm start</code> builds it automatically; for development run <code>npm run dev:web</code>.)</p>
</body></html>`;

function serveConsole(app: RosterApp, dist: string) {
  const index = path.join(dist, 'index.html');
  const sendIndex = (reply: FastifyReply) => {
    if (!fs.existsSync(index)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist, { cacheControl: false });
  };
  // Any GET outside the API is the single-page app: a file of web/dist when it exists (hashed
  // assets are immutable), otherwise index.html for a browser page load, so that deep links such as
  // /events/scanner work. A non-browser client (no text/html in Accept) still gets the 404 problem.
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const urlPath = decodeURIComponent(req.url.split('?')[0]);
    if (SERVER_PATHS.test(urlPath)) return notFoundHandler(req, reply);
    const relative = path
      .normalize(urlPath)
      .replace(/^(\.\.[/\\])+/, '')
      .replace(/^[/\\]+/, '');
    const file = path.join(dist, relative);
    if (relative && file.startsWith(dist + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const immutable = relative.startsWith('assets/');
      return reply.sendFile(relative, dist, {
        immutable,
        maxAge: immutable ? '365d' : 0,
        cacheControl: true,
      });
    }
    if (urlPath !== '/' && !String(req.headers.accept ?? '').includes('text/html'))
      return notFoundHandler(req, reply);
    return sendIndex(reply);
  };
  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
}

/** Serves the web console (web/dist) at `/`, with a clear page when it has not been built. */
export function createConsoleModule(dist = WEB_DIST): RosterModule {
  return {
    name: 'console',
    async register(app) {
      await app.register(fastifyStatic, { root: dist, serve: false });
      serveConsole(app, dist);
    },
  };
}

export const consoleModule = createConsoleModule();
