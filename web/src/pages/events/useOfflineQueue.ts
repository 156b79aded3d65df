// A page that keeps scanning without network (the door, the stand): whether it is online, its
// queue of scans (offlineQueue.ts) and the upload that runs as soon as the network is back.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { problemMessage } from '../../i18n/errors';
import { offlineQueue, uploadQueue, type Outcome, type Pending } from './offlineQueue';

const UPLOAD_RETRY_MS = 15_000;

/** A network failure (no answer at all), as opposed to an answer refusing the request. */
export const unreachable = (err: unknown) => err instanceof TypeError;

/** Online and offline follow the browser's flag and, sooner, a request that got no answer. */
function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return [online, setOnline] as const;
}

/**
 * The queue stored under `key`, uploaded by `send` in parts of `partSize` whenever the page is
 * online and the queue is not empty, and again later while some is left (both null while the page
 * has no event). `onUploaded` hears what became of each uploaded item.
 */
export function useOfflineQueue<T extends Pending, R extends Pending>(
  key: string | null,
  partSize: number,
  send: ((part: T[]) => Promise<R[]>) | null,
  onUploaded?: (outcomes: Outcome<T, R>[]) => void,
) {
  const t = useT();
  const [online, setOnline] = useOnline();
  const queue = useMemo(() => (key ? offlineQueue<T>(key) : null), [key]);
  const [items, setItems] = useState<T[]>([]);
  const [uploadError, setUploadError] = useState('');
  // One upload at a time: a scan queued while one is under way waits for it rather than sending
  // its items a second time; `ended` moves when an upload ends, so what is left goes up next.
  const uploading = useRef(false);
  const [ended, setEnded] = useState(0);
  useEffect(() => setItems(queue?.items() ?? []), [queue]);

  const add = useCallback((item: T) => queue && setItems(queue.add(item)), [queue]);
  /** Reads the stored queue again, which starts an upload when there is something to send. */
  const uploadNow = useCallback(() => queue && setItems(queue.items()), [queue]);

  // Online, the queue goes up at once; offline (or after a failure), it is tried again later, and
  // an upload that gets through means the network is back.
  useEffect(() => {
    if (!queue || !send || items.length === 0 || uploading.current) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const over = () => {
      uploading.current = false;
      if (!live) setEnded((n) => n + 1);
      return live;
    };
    const upload = () => {
      uploading.current = true;
      return uploadQueue(queue, partSize, send).then(
        (outcomes) => {
          // What was sent is recorded even when the page moved on meanwhile: it hears of it.
          const current = over();
          if (outcomes.length) onUploaded?.(outcomes);
          if (!current) return;
          setOnline(true);
          setUploadError('');
          setItems(queue.items());
        },
        (err: unknown) => {
          if (!over()) return;
          if (unreachable(err)) setOnline(false);
          else setUploadError(problemMessage(t, err));
          const left = queue.items();
          if (left.length !== items.length) setItems(left);
          else timer = setTimeout(() => void upload(), UPLOAD_RETRY_MS);
        },
      );
    };
    if (online) void upload();
    else timer = setTimeout(() => void upload(), UPLOAD_RETRY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [queue, online, items, ended, partSize, send, onUploaded, setOnline, t]);

  return { online, setOnline, items, add, uploadNow, uploadError };
}
