import { z } from 'zod';
import type { RosterApp } from '../../core/http/app.ts';
import { notFound } from '../../core/http/problem.ts';

/**
 * The demo's slides and page, served by Roster itself so the demo plays without internet: the
 * seeded assets link here. Each is drawn from text in code (no upload, nothing fetched), and the
 * page is self-contained (inline styles and drawings), so a player can keep a copy for offline.
 */
export const DEMO_ASSET_PATH = '/signage-demo';

const slide = (background: string, accent: string, title: string, lines: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080" viewBox="0 0 1920 1080">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="${background}"/><stop offset="1" stop-color="${accent}"/>
  </linearGradient></defs>
  <rect width="1920" height="1080" fill="url(#g)"/>
  <circle cx="1650" cy="230" r="320" fill="#ffffff" opacity="0.08"/>
  <circle cx="260" cy="930" r="220" fill="#ffffff" opacity="0.06"/>
  <text x="160" y="380" font-family="sans-serif" font-size="120" font-weight="700" fill="#ffffff">${title}</text>
  ${lines
    .map(
      (line, i) =>
        `<text x="160" y="${540 + i * 110}" font-family="sans-serif" font-size="72" fill="#ffffff" opacity="0.9">${line}</text>`,
    )
    .join('\n  ')}
</svg>
`;

const WELCOME_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Welcome</title>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
  body { display: grid; place-items: center; background: #0f2942; color: #fff; }
  main { text-align: center; padding: 4vh 6vw; }
  h1 { font-size: 8vw; margin: 0 0 2vh; letter-spacing: -0.02em; }
  p { font-size: 3vw; margin: 1vh 0; opacity: 0.9; }
  .row { display: flex; gap: 3vw; justify-content: center; margin-top: 5vh; }
  .card { background: rgba(255, 255, 255, 0.1); border-radius: 1.5vw; padding: 2vh 3vw; font-size: 2.4vw; }
</style>
</head>
<body>
<main>
  <svg width="12vw" height="12vw" viewBox="0 0 100 100" aria-hidden="true">
    <circle cx="50" cy="50" r="46" fill="none" stroke="#7cc4ff" stroke-width="6"/>
    <path d="M30 52 l14 14 l28 -30" fill="none" stroke="#7cc4ff" stroke-width="8" stroke-linecap="round"/>
  </svg>
  <h1>Welcome to Roster HQ</h1>
  <p>Reception is on your left · Wi-Fi: Roster-Guest</p>
  <div class="row">
    <div class="card">Meeting rooms · Floor 2</div>
    <div class="card">Cafeteria · Floor 1</div>
    <div class="card">Lockers · Basement</div>
  </div>
</main>
</body>
</html>
`;

export const DEMO_FILES: Record<string, { type: string; body: string }> = {
  'welcome.html': { type: 'text/html; charset=utf-8', body: WELCOME_PAGE },
  'product.svg': {
    type: 'image/svg+xml',
    body: slide('#3b1f6b', '#c2417a', 'Roster Pro', ['Every screen, one console', 'Ask at the front desk']),
  },
  'opening-hours.svg': {
    type: 'image/svg+xml',
    body: slide('#0d4d3f', '#2f9e6e', 'Opening hours', [
      'Mon–Fri 08:00–20:00',
      'Sat 09:00–13:00',
      'Sun closed',
    ]),
  },
  'safety.svg': {
    type: 'image/svg+xml',
    body: slide('#7a2100', '#d9822b', 'Safety first', [
      'Exits are marked in green',
      'Assembly point: car park B',
    ]),
  },
};

/** A link to one of the files above, as the seeded assets hold it. */
export const demoAssetUrl = (file: keyof typeof DEMO_FILES) => `${DEMO_ASSET_PATH}/${file}`;
export const isDemoAssetPath = (uri: string) =>
  uri.startsWith(`${DEMO_ASSET_PATH}/`) && Object.hasOwn(DEMO_FILES, uri.slice(DEMO_ASSET_PATH.length + 1));

export function registerDemoAssetRoutes(app: RosterApp) {
  app.get(
    `${DEMO_ASSET_PATH}/:file`,
    { config: { public: true }, schema: { hide: true, params: z.object({ file: z.string().max(100) }) } },
    async (req, reply) => {
      const file = Object.hasOwn(DEMO_FILES, req.params.file) ? DEMO_FILES[req.params.file] : undefined;
      if (!file) throw notFound('Demo file');
      // Fixed content: screens and browsers may keep it for a day.
      return reply.type(file.type).header('cache-control', 'public, max-age=86400').send(file.body);
    },
  );
}
