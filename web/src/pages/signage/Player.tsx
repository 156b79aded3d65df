import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

/**
 * `/player`: what a screen opens. It asks for a pairing code, shows it until an admin claims it,
 * then plays its playlist full screen. The device token and the last playlist (with the files as
 * they were fetched) are kept in localStorage, so a reload or a short server outage keeps playing.
 */
interface Item {
  id: string;
  name: string;
  asset_type: 'image' | 'video' | 'webpage' | 'stream';
  mimetype: string | null;
  url: string;
  duration: number | null;
}
interface Playlist {
  playlist: { id: string; name: string } | null;
  items: Item[];
}

const TOKEN = 'roster.player.token';
const CACHE = 'roster.player.playlist';
const FILE_CACHE = 'roster-player-files';
const PLAYLIST_POLL_MS = 15_000;
const DEFAULT_SECONDS = 10;

const authed = (token: string) => ({ authorization: `Bearer ${token}` });

export function Player() {
  const [token, setToken] = useState(() => localStorage.getItem(TOKEN));
  useEffect(() => {
    document.title = 'Roster player';
  }, []);
  const paired = useCallback((t: string) => {
    localStorage.setItem(TOKEN, t);
    setToken(t);
  }, []);
  const revoked = useCallback(() => {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(CACHE);
    setToken(null);
  }, []);
  if (!token) return <Pairing onPaired={paired} />;
  return <Playback token={token} onRevoked={revoked} />;
}

function Pairing({ onPaired }: { onPaired: (token: string) => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const start = async () => {
      try {
        const res = await fetch('/api/device/pair', { method: 'POST' });
        if (!res.ok) throw new Error(`pairing answered ${res.status}`);
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
      <h1>Pair this screen</h1>
      <p>In the Roster console, open Signage → Screens and enter this code:</p>
      <p className="pair-code" data-testid="pair-code" aria-live="polite">
        {code || '……'}
      </p>
      {error && <p className="muted">Server unreachable ({error}); retrying…</p>}
    </main>
  );
}

/**
 * Files of uploaded assets need the device token, so they are fetched and shown as blob URLs. Each
 * file is also kept in Cache Storage (where the page is a secure context) so that a reload while the
 * server is unreachable still plays the cached playlist with its files.
 */
async function sourceOf(item: Item, token: string): Promise<string> {
  if (!item.url.startsWith('/api/')) return item.url;
  const cache = 'caches' in window ? await caches.open(FILE_CACHE).catch(() => null) : null;
  let res = await fetch(item.url, { headers: authed(token) }).catch(() => null);
  if (res?.ok) await cache?.put(item.url, res.clone()).catch(() => undefined);
  else res = (await cache?.match(item.url)) ?? res;
  if (!res?.ok) throw new Error(`asset ${item.name}: ${res?.status ?? 'unreachable'}`);
  return URL.createObjectURL(await res.blob());
}

function Playback({ token, onRevoked }: { token: string; onRevoked: () => void }) {
  const [playlist, setPlaylist] = useState<Playlist | null>(() => {
    const cached = localStorage.getItem(CACHE);
    return cached ? (JSON.parse(cached) as Playlist) : null;
  });
  const [offline, setOffline] = useState(false);
  const [index, setIndex] = useState(0);
  const [src, setSrc] = useState<string | null>(null);
  const sources = useRef(new Map<string, string>());
  const etag = useRef<string | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      try {
        const headers: Record<string, string> = authed(token);
        if (etag.current) headers['if-none-match'] = etag.current;
        const res = await fetch('/api/device/playlist', { headers });
        if (res.status === 401) return onRevoked();
        if (res.ok) {
          etag.current = res.headers.get('etag');
          const body = (await res.json()) as Playlist;
          localStorage.setItem(CACHE, JSON.stringify(body));
          setPlaylist(body);
        } else if (res.status !== 304) throw new Error(String(res.status));
        setOffline(false);
        void fetch('/api/device/heartbeat', {
          method: 'POST',
          headers: { ...authed(token), 'content-type': 'application/json' },
          body: '{}',
        }).catch(() => undefined);
      } catch {
        // Keep playing what we have; try again on the next tick.
        setOffline(true);
      }
      timer = setTimeout(() => void load(), PLAYLIST_POLL_MS);
    };
    void load();
    return () => clearTimeout(timer);
  }, [token, onRevoked]);

  const items = playlist?.items ?? [];
  const item = items.length ? items[index % items.length] : undefined;
  // Each playlist answer is a new object: `playing` keeps its identity while the item is unchanged, so
  // a refresh does not restart what is on screen, and an edited item (its duration) takes effect.
  const itemJson = item ? JSON.stringify(item) : '';
  const playing = useMemo(() => (itemJson ? (JSON.parse(itemJson) as Item) : undefined), [itemJson]);

  useEffect(() => {
    if (!playing) return;
    let live = true;
    const known = sources.current.get(playing.id);
    if (known) setSrc(known);
    else
      sourceOf(playing, token).then(
        (s) => {
          sources.current.set(playing.id, s);
          if (live) setSrc(s);
        },
        () => live && setIndex((i) => i + 1),
      );
    const seconds = playing.duration ?? DEFAULT_SECONDS;
    // Videos advance when they end; everything else after its duration.
    const timer =
      playing.asset_type === 'video' ? undefined : setTimeout(() => setIndex((i) => i + 1), seconds * 1000);
    return () => {
      live = false;
      clearTimeout(timer);
      setSrc(null);
    };
  }, [playing, index, token]);

  if (!item)
    return (
      <main className="player idle">
        <p>
          {playlist?.playlist
            ? `Playlist “${playlist.playlist.name}” is empty.`
            : 'Paired. Waiting for a playlist…'}
        </p>
        {offline && <p className="muted">Server unreachable; retrying…</p>}
      </main>
    );
  return (
    <main className="player" data-testid="player" data-asset={item.name}>
      {src && item.asset_type === 'image' && <img src={src} alt={item.name} />}
      {src && (item.asset_type === 'video' || item.asset_type === 'stream') && (
        <video
          src={src}
          autoPlay
          muted
          playsInline
          onEnded={() => setIndex((i) => i + 1)}
          onError={() => setIndex((i) => i + 1)}
        />
      )}
      {src && item.asset_type === 'webpage' && (
        <iframe src={src} title={item.name} sandbox="allow-scripts allow-same-origin" />
      )}
      {offline && <span className="offline-flag">offline — playing cached playlist</span>}
    </main>
  );
}
