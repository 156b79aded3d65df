import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { I18nProvider, useT } from '../../i18n';
import { isPanel, ScreenPanel } from '../venue/ScreenPanel';

/**
 * `/player`: what a screen opens. It asks for a pairing code, shows it until an admin claims it,
 * then plays its playlist full screen. The device token and the last playlist (with the files as
 * they were fetched) are kept in the browser, so a reload or a server outage keeps playing. It
 * reports what it played (buffered while offline), carries out remote commands, shows the
 * emergency message, and tells the server its version, resolution and free storage.
 */
interface Item {
  id: string;
  name: string;
  asset_type: 'image' | 'video' | 'webpage' | 'stream' | 'room_panel' | 'lobby_board';
  mimetype: string | null;
  url: string;
  duration: number | null;
}
interface Emergency {
  id: string;
  message: string;
  color: string;
  background: string;
  image_url: string | null;
  expires_at: string;
}
interface Command {
  id: string;
  command: string;
}
interface Playlist {
  playlist: { id: string; name: string } | null;
  items: Item[];
  emergency?: Emergency;
  commands?: Command[];
}
interface Play {
  client_id: string;
  asset_id: string;
  started_at: string;
  duration_ms: number;
  outcome: 'completed' | 'interrupted';
}

export const PLAYER_VERSION = 'roster-player/2.0';
const TOKEN = 'roster.player.token';
const CACHE = 'roster.player.playlist';
const PLAYS = 'roster.player.plays';
const FILE_CACHE = 'roster-player-files';
const PLAYLIST_POLL_MS = 15_000;
const HEARTBEAT_MS = 30_000;
/** Plays go to the server in batches: when this many are waiting, or the oldest is this old. */
const PLAYS_BATCH = 50;
const PLAYS_MAX_WAIT_MS = 60_000;
/** The server takes up to 1,000 plays per request; an offline screen keeps at most this many. */
const PLAYS_PER_REQUEST = 500;
const PLAYS_KEPT = 20_000;
const LIVE_RETRY_MS = 5_000;
const DEFAULT_SECONDS = 10;
/** Screenshots are scaled down to this width: enough to see what is on screen, small to send. */
const SCREENSHOT_WIDTH = 1280;

const authed = (token: string) => ({ authorization: `Bearer ${token}` });
const jsonHeaders = (token: string) => ({ ...authed(token), 'content-type': 'application/json' });

export function Player() {
  return (
    <I18nProvider>
      <PlayerScreen />
    </I18nProvider>
  );
}

function PlayerScreen() {
  const t = useT();
  const [token, setToken] = useState(() => localStorage.getItem(TOKEN));
  useEffect(() => {
    document.title = t('player.title');
  }, [t]);
  const paired = useCallback((token: string) => {
    localStorage.setItem(TOKEN, token);
    setToken(token);
  }, []);
  const revoked = useCallback(() => {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(CACHE);
    localStorage.removeItem(PLAYS);
    setToken(null);
  }, []);
  if (!token) return <Pairing onPaired={paired} />;
  return <Playback token={token} onRevoked={revoked} />;
}

function Pairing({ onPaired }: { onPaired: (token: string) => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const start = async () => {
      try {
        const res = await fetch('/api/device/pair', { method: 'POST' });
        if (!res.ok) throw new Error(String(res.status));
        const pair = (await res.json()) as {
          code: string;
          pairing_secret: string;
          expires_at: string;
          poll_interval_seconds: number;
        };
        setCode(pair.code);
        setError('');
        const poll = async () => {
          if (stop) return;
          if (Date.now() > Date.parse(pair.expires_at)) return void start();
          const r = await fetch(`/api/device/pair/${encodeURIComponent(pair.pairing_secret)}`).catch(
            () => null,
          );
          if (r?.status === 200) return onPaired(((await r.json()) as { device_token: string }).device_token);
          if (r && r.status !== 202) return void start();
          timer = setTimeout(() => void poll(), pair.poll_interval_seconds * 1000);
        };
        timer = setTimeout(() => void poll(), pair.poll_interval_seconds * 1000);
      } catch (err) {
        setError((err as Error).message);
        timer = setTimeout(() => void start(), 5000);
      }
    };
    void start();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [onPaired]);
  return (
    <main className="player pairing">
      <h1>{t('player.pairTitle')}</h1>
      <p>{t('player.pairHelp')}</p>
      <p className="pair-code" data-testid="pair-code" aria-live="polite">
        {code || '……'}
      </p>
      {error && <p className="muted">{t('player.pairUnreachable', { error })}</p>}
    </main>
  );
}

/**
 * Same-origin files (uploads, which need the device token, and the pages and images Roster serves
 * itself) are fetched and kept in Cache Storage (where the page is a secure context), so that a
 * reload while the server is unreachable still plays them. Links to other sites are shown as they
 * are. A same-origin page comes back as `{ html }`: frames may not load blob URLs here (CSP).
 */
async function sourceOf(
  url: string,
  token: string,
  asPage = false,
): Promise<{ src?: string; html?: string }> {
  if (!url.startsWith('/')) return { src: url };
  const cache = 'caches' in window ? await caches.open(FILE_CACHE).catch(() => null) : null;
  const headers = url.startsWith('/api/') ? authed(token) : undefined;
  let res = await fetch(url, { headers }).catch(() => null);
  if (res?.ok) await cache?.put(url, res.clone()).catch(() => undefined);
  else res = (await cache?.match(url)) ?? res;
  if (!res?.ok) throw new Error(`${url}: ${res?.status ?? 'unreachable'}`);
  if (asPage) return { html: await res.text() };
  return { src: URL.createObjectURL(await res.blob()) };
}

/** An id for a play that stays unique without a secure context (where randomUUID is missing). */
function playId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

const storedPlays = (): Play[] => JSON.parse(localStorage.getItem(PLAYS) ?? '[]') as Play[];

/**
 * Proof of play: each play is kept in localStorage until the server has it, so plays made while
 * offline (or before a reload) are sent later. A batch sent twice is stored once (its client ids).
 */
function usePlayLog(token: string) {
  const sending = useRef<Promise<void> | null>(null);
  const flush = useCallback(async () => {
    if (sending.current) return sending.current;
    const run = async () => {
      for (;;) {
        const batch = storedPlays().slice(0, PLAYS_PER_REQUEST);
        if (batch.length === 0) return;
        const res = await fetch('/api/device/plays', {
          method: 'POST',
          headers: jsonHeaders(token),
          body: JSON.stringify({ plays: batch }),
        }).catch(() => null);
        // Unreachable: keep them for the next try. Refused (a bad play): dropped, or it would block the rest.
        if (!res || res.status >= 500 || res.status === 429) return;
        const sent = new Set(batch.map((p) => p.client_id));
        localStorage.setItem(PLAYS, JSON.stringify(storedPlays().filter((p) => !sent.has(p.client_id))));
      }
    };
    sending.current = run().finally(() => (sending.current = null));
    return sending.current;
  }, [token]);
  const record = useCallback((play: Play) => {
    const plays = [...storedPlays(), play].slice(-PLAYS_KEPT);
    localStorage.setItem(PLAYS, JSON.stringify(plays));
  }, []);
  /** Sends when a batch is full or its oldest play has waited long enough. */
  const flushIfDue = useCallback(() => {
    const plays = storedPlays();
    if (plays.length === 0) return;
    const oldest = Date.parse(plays[0].started_at);
    if (plays.length >= PLAYS_BATCH || Date.now() - oldest >= PLAYS_MAX_WAIT_MS) void flush();
  }, [flush]);
  return useMemo(() => ({ record, flush, flushIfDue }), [record, flush, flushIfDue]);
}

/** What the screen says about itself in its heartbeat; free storage only where the browser tells it. */
async function healthReport() {
  const report: Record<string, string | number> = {
    player_version: PLAYER_VERSION,
    screen_width: Math.round(window.screen.width * (window.devicePixelRatio || 1)),
    screen_height: Math.round(window.screen.height * (window.devicePixelRatio || 1)),
  };
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (estimate?.quota !== undefined && estimate.usage !== undefined)
    report.free_storage_bytes = Math.max(0, Math.floor(estimate.quota - estimate.usage));
  return report;
}

/** Draws what is on screen into a canvas: the current image or video frame, or the message shown. */
function captureScreen(root: HTMLElement | null, emergency: Emergency | null): Promise<Blob> {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2D canvas in this browser'));
  const media = root?.querySelector<HTMLImageElement | HTMLVideoElement>('.playing img, .playing video');
  const frame = root?.querySelector('.playing iframe');
  const scale = (w: number, h: number) => {
    const ratio = Math.min(1, SCREENSHOT_WIDTH / Math.max(1, w));
    canvas.width = Math.max(1, Math.round(w * ratio));
    canvas.height = Math.max(1, Math.round(h * ratio));
  };
  if (emergency) {
    scale(window.innerWidth, window.innerHeight);
    ctx.fillStyle = emergency.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = emergency.color;
    ctx.font = `bold ${Math.round(canvas.height / 12)}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(emergency.message, canvas.width / 2, canvas.height / 2, canvas.width * 0.9);
  } else if (media instanceof HTMLImageElement) {
    scale(media.naturalWidth, media.naturalHeight);
    ctx.drawImage(media, 0, 0, canvas.width, canvas.height);
  } else if (media instanceof HTMLVideoElement) {
    scale(media.videoWidth, media.videoHeight);
    ctx.drawImage(media, 0, 0, canvas.width, canvas.height);
  } else if (frame) {
    return Promise.reject(new Error('a web page cannot be captured from inside the browser'));
  } else {
    scale(window.innerWidth, window.innerHeight);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  return new Promise((resolve, reject) => {
    try {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the capture is empty'))), 'image/png');
    } catch {
      // A canvas that drew another site's image is "tainted" and cannot be read back.
      reject(new Error('the content comes from another site and cannot be captured'));
    }
  });
}

/** Opens `/api/live` with a single-use ticket and reconnects after a drop, until stopped. */
function connectLive(token: string, onMessage: (type: string, data: unknown) => void, onOpen: () => void) {
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const retry = () => {
    if (!stopped) timer = setTimeout(() => void open(), LIVE_RETRY_MS);
  };
  const open = async () => {
    const res = await fetch('/api/live/ticket', { method: 'POST', headers: authed(token) }).catch(() => null);
    if (stopped) return;
    if (!res?.ok) return retry();
    const { ticket } = (await res.json()) as { ticket: string };
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/live?ticket=${encodeURIComponent(ticket)}`);
    socket.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as { type: string; data: unknown };
      if (m.type === 'hello') onOpen();
      else onMessage(m.type, m.data);
    };
    socket.onclose = retry;
  };
  void open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
  };
}

function Playback({ token, onRevoked }: { token: string; onRevoked: () => void }) {
  const t = useT();
  const [playlist, setPlaylist] = useState<Playlist | null>(() => {
    const cached = localStorage.getItem(CACHE);
    return cached ? (JSON.parse(cached) as Playlist) : null;
  });
  const [offline, setOffline] = useState(false);
  const [index, setIndex] = useState(0);
  const [src, setSrc] = useState<{ src?: string; html?: string } | null>(null);
  const [emergency, setEmergency] = useState<Emergency | null>(playlist?.emergency ?? null);
  const [emergencySrc, setEmergencySrc] = useState<string | null>(null);
  /** After a shutdown command: nothing is shown until a reload. */
  const [blank, setBlank] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const sources = useRef(new Map<string, { src?: string; html?: string }>());
  const etag = useRef<string | null>(null);
  const root = useRef<HTMLElement>(null);
  const pollNow = useRef<() => void>(() => undefined);
  /** Commands already carried out, with the answer to give again if the first was lost. */
  const handled = useRef(new Map<string, { outcome: 'done' | 'failed'; detail: string } | null>());
  /** Set when the item on screen ran its full time (or its video ended). */
  const completed = useRef(false);
  const plays = usePlayLog(token);

  const active = emergency && Date.parse(emergency.expires_at) > now ? emergency : null;
  useEffect(() => {
    if (!emergency) return;
    // Re-render when the message expires, so the playlist comes back without waiting for a poll.
    const timer = setTimeout(
      () => setNow(Date.now()),
      Math.max(0, Date.parse(emergency.expires_at) - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [emergency]);
  useEffect(() => {
    const url = emergency?.image_url;
    if (!url) return setEmergencySrc(null);
    let live = true;
    sourceOf(url, token).then(
      (s) => live && setEmergencySrc(s.src ?? null),
      () => live && setEmergencySrc(null),
    );
    return () => {
      live = false;
    };
  }, [emergency?.image_url, token]);

  const acknowledge = useCallback(
    async (id: string, outcome: 'done' | 'failed', detail = '') => {
      handled.current.set(id, { outcome, detail });
      const res = await fetch(`/api/device/commands/${id}/ack`, {
        method: 'POST',
        headers: jsonHeaders(token),
        body: JSON.stringify(detail ? { outcome, detail } : { outcome }),
      }).catch(() => null);
      return !!res?.ok;
    },
    [token],
  );

  const captureRef = useRef(() => captureScreen(root.current, active));
  captureRef.current = () => captureScreen(root.current, active);

  const run = useCallback(
    async (command: Command) => {
      if (handled.current.has(command.id)) {
        // Carried out already; its acknowledgement was lost on the way: send it again.
        const answer = handled.current.get(command.id);
        if (answer) void acknowledge(command.id, answer.outcome, answer.detail);
        return;
      }
      handled.current.set(command.id, null);
      switch (command.command) {
        case 'next':
        case 'previous':
          setIndex((i) => i + (command.command === 'next' ? 1 : -1));
          return void acknowledge(command.id, 'done');
        case 'reload':
        case 'reboot': {
          // Plays first: the reload would otherwise leave them for the next batch only.
          await plays.flush();
          const detail = command.command === 'reboot' ? 'the browser player restarted (not the device)' : '';
          if (await acknowledge(command.id, 'done', detail)) location.reload();
          return;
        }
        case 'shutdown':
          setBlank(true);
          return void acknowledge(command.id, 'done', 'screen blanked until the player is reloaded');
        case 'screenshot': {
          try {
            const image = await captureRef.current();
            const form = new FormData();
            form.append('file', image, 'screenshot.png');
            const res = await fetch(`/api/device/screenshot?command_id=${encodeURIComponent(command.id)}`, {
              method: 'POST',
              headers: authed(token),
              body: form,
            });
            if (!res.ok) throw new Error(`upload refused (${res.status})`);
            // The upload acknowledged the command on the server.
            handled.current.set(command.id, { outcome: 'done', detail: '' });
          } catch (err) {
            void acknowledge(command.id, 'failed', (err as Error).message);
          }
          return;
        }
        default:
          return void acknowledge(command.id, 'failed', `unknown command ${command.command}`);
      }
    },
    [acknowledge, plays, token],
  );

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let lastBeat = 0;
    const load = async () => {
      clearTimeout(timer);
      try {
        const headers: Record<string, string> = authed(token);
        if (etag.current) headers['if-none-match'] = etag.current;
        const res = await fetch('/api/device/playlist', { headers });
        if (res.status === 401) return onRevoked();
        if (res.ok) {
          etag.current = res.headers.get('etag');
          const body = (await res.json()) as Playlist;
          localStorage.setItem(CACHE, JSON.stringify({ ...body, commands: undefined }));
          setPlaylist(body);
          setEmergency(body.emergency ?? null);
          for (const c of body.commands ?? []) void run(c);
        } else if (res.status !== 304) throw new Error(String(res.status));
        setOffline(false);
        if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          lastBeat = Date.now();
          void healthReport().then((report) =>
            fetch('/api/device/heartbeat', {
              method: 'POST',
              headers: jsonHeaders(token),
              body: JSON.stringify(report),
            }).catch(() => undefined),
          );
        }
        plays.flushIfDue();
      } catch {
        // Keep playing what we have; try again on the next tick.
        setOffline(true);
      }
      timer = setTimeout(() => void load(), PLAYLIST_POLL_MS);
    };
    pollNow.current = () => void load();
    void load();
    return () => clearTimeout(timer);
  }, [token, onRevoked, run, plays]);

  useEffect(
    () =>
      connectLive(
        token,
        (type, data) => {
          if (type === 'signage.screen.command') void run(data as Command);
          if (type === 'signage.screen.emergency')
            setEmergency((data as { emergency: Emergency | null }).emergency);
        },
        // (Re)connected: what was pushed while away is in the poll.
        () => pollNow.current(),
      ),
    [token, run],
  );

  const items = playlist?.items ?? [];
  const count = items.length;
  const item = count && !active && !blank ? items[((index % count) + count) % count] : undefined;
  // Each playlist answer is a new object: `playing` keeps its identity while the item is unchanged, so
  // a refresh does not restart what is on screen, and an edited item (its duration) takes effect.
  const itemJson = item ? JSON.stringify(item) : '';
  const playing = useMemo(() => (itemJson ? (JSON.parse(itemJson) as Item) : undefined), [itemJson]);

  useEffect(() => {
    if (!playing) return;
    let live = true;
    let failed = false;
    const startedAt = new Date();
    completed.current = false;
    const known = sources.current.get(playing.id);
    // A panel fetches its own live data; it is no stored asset, so it is no play to report.
    const reported = !isPanel(playing.asset_type);
    if (!reported) setSrc(null);
    else if (known) setSrc(known);
    else
      sourceOf(playing.url, token, playing.asset_type === 'webpage').then(
        (s) => {
          sources.current.set(playing.id, s);
          if (live) setSrc(s);
        },
        () => {
          failed = true;
          if (live) setIndex((i) => i + 1);
        },
      );
    const seconds = playing.duration ?? DEFAULT_SECONDS;
    // Videos advance when they end; everything else after its duration.
    const timer =
      playing.asset_type === 'video'
        ? undefined
        : setTimeout(() => {
            completed.current = true;
            setIndex((i) => i + 1);
          }, seconds * 1000);
    return () => {
      live = false;
      clearTimeout(timer);
      setSrc(null);
      // What could not be loaded was not shown: no play for it.
      if (failed || !reported) return;
      plays.record({
        client_id: playId(),
        asset_id: playing.id,
        started_at: startedAt.toISOString(),
        duration_ms: Math.max(0, Date.now() - startedAt.getTime()),
        outcome: completed.current ? 'completed' : 'interrupted',
      });
    };
  }, [playing, index, token, plays]);

  const advance = () => {
    completed.current = true;
    setIndex((i) => i + 1);
  };

  if (blank) return <main className="player blank" data-testid="player-blank" ref={root} />;
  if (active)
    return (
      <main
        className="player emergency"
        data-testid="emergency"
        role="alert"
        ref={root}
        style={{ background: active.background, color: active.color }}
      >
        {emergencySrc && <img src={emergencySrc} alt={t('player.emergencyImage')} />}
        <p className="emergency-message">{active.message}</p>
      </main>
    );
  if (!item)
    return (
      <main className="player idle" ref={root}>
        <p>
          {playlist?.playlist
            ? t('player.emptyPlaylist', { name: playlist.playlist.name })
            : t('player.waiting')}
        </p>
        {offline && <p className="muted">{t('player.retrying')}</p>}
      </main>
    );
  return (
    <main className="player playing" data-testid="player" data-asset={item.name} ref={root}>
      {src?.src && item.asset_type === 'image' && <img src={src.src} alt={item.name} />}
      {src?.src && (item.asset_type === 'video' || item.asset_type === 'stream') && (
        <video
          src={src.src}
          autoPlay
          muted
          playsInline
          onEnded={advance}
          onError={() => setIndex((i) => i + 1)}
        />
      )}
      {src && item.asset_type === 'webpage' && (
        <iframe src={src.src} srcDoc={src.html} title={item.name} sandbox="allow-scripts allow-same-origin" />
      )}
      {isPanel(item.asset_type) && <ScreenPanel url={item.url} token={token} />}
      {offline && <span className="offline-flag">{t('player.offline')}</span>}
    </main>
  );
}
