import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api } from './api/client';
import { useT } from './i18n';

export interface LiveMessage {
  type: string;
  data: Record<string, unknown>;
  at: string;
}
export type LiveStatus = 'connecting' | 'live' | 'offline';

interface LiveValue {
  status: LiveStatus;
  subscribe: (fn: (m: LiveMessage) => void) => () => void;
}

const consoleTicket = () => api.post('/api/live/ticket');

const LiveContext = createContext<LiveValue>({ status: 'offline', subscribe: () => () => {} });

/**
 * One WebSocket to `/api/live` for the whole console. Browsers cannot send headers on a WebSocket,
 * and a URL ends up in logs, so each connection asks first for a single-use ticket (valid 30 s)
 * and opens `/api/live?ticket=`: the session token itself never travels in a URL. Reconnects with
 * backoff (a new ticket each time); pages subscribe to the messages they care about.
 */
export function LiveProvider({
  token,
  ticket = consoleTicket,
  children,
}: {
  token: string;
  /** Asks for a ticket with the page's own credential (the console's session by default). */
  ticket?: (token: string) => Promise<{ ticket: string } | null>;
  children: ReactNode;
}) {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const subscribers = useRef(new Set<(m: LiveMessage) => void>());

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    let attempts = 0;
    let closed = false;
    const reconnect = () => {
      setStatus('offline');
      attempts += 1;
      retry = setTimeout(() => void open(), Math.min(30_000, 1000 * 2 ** Math.min(attempts, 5)));
    };
    const open = async () => {
      setStatus('connecting');
      const granted = await ticket(token).catch(() => null);
      if (closed) return;
      if (!granted) {
        reconnect();
        return;
      }
      const proto = location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(
        `${proto}://${location.host}/api/live?ticket=${encodeURIComponent(granted.ticket)}`,
      );
      socket.onopen = () => {
        attempts = 0;
        setStatus('live');
        ping = setInterval(() => socket?.readyState === WebSocket.OPEN && socket.send('ping'), 25_000);
      };
      socket.onmessage = (e) => {
        const message = JSON.parse(String(e.data)) as LiveMessage;
        for (const fn of subscribers.current) fn(message);
      };
      socket.onclose = () => {
        clearInterval(ping);
        if (!closed) reconnect();
      };
    };
    void open();
    return () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(ping);
      socket?.close();
    };
  }, [token, ticket]);

  const subscribe = useCallback((fn: (m: LiveMessage) => void) => {
    subscribers.current.add(fn);
    return () => void subscribers.current.delete(fn);
  }, []);
  const value = useMemo<LiveValue>(() => ({ status, subscribe }), [status, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive() {
  return useContext(LiveContext);
}

/** Runs `fn` for each live message whose type starts with `prefix`. */
export function useLiveEvents(prefix: string, fn: (m: LiveMessage) => void) {
  const { subscribe } = useLive();
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => subscribe((m) => m.type.startsWith(prefix) && latest.current(m)), [subscribe, prefix]);
}

export function LiveIndicator() {
  const { status } = useLive();
  const t = useT();
  const label = t(
    status === 'live' ? 'live.live' : status === 'connecting' ? 'live.connecting' : 'live.offline',
  );
  return (
    <span className={`live live-${status}`} role="status" aria-live="polite" title={t('live.title')}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
