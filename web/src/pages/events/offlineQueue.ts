// Scans taken while the network is away: kept on the device (localStorage) under a key of their
// own, each with the nonce it was made with, and uploaded in parts when the network is back. The
// nonce never changes, so a scan the server already has is answered, not recorded twice.
// Plain functions over a store and a sender, so node's tests run them as the pages do.

export interface Pending {
  nonce: string;
}

/** What became of one queued item: the server's answer, or why it refused the item outright. */
export interface Outcome<T, R> {
  item: T;
  answer: R | null;
  refused: string | null;
}

/** Where the queue lives: `localStorage` in the browser, any such store in tests. */
export type QueueStore = Pick<Storage, 'getItem' | 'setItem'>;

export interface OfflineQueue<T extends Pending> {
  items(): T[];
  add(item: T): T[];
  /** Takes the items whose nonce is listed out of the queue; items added meanwhile stay. */
  settle(nonces: ReadonlySet<string>): T[];
}

export function offlineQueue<T extends Pending>(
  key: string,
  store: QueueStore = globalThis.localStorage,
): OfflineQueue<T> {
  const items = (): T[] => {
    try {
      const raw = store.getItem(key);
      return raw ? (JSON.parse(raw) as T[]) : [];
    } catch {
      return [];
    }
  };
  const save = (next: T[]) => {
    store.setItem(key, JSON.stringify(next));
    return next;
  };
  return {
    items,
    add: (item) => save([...items(), item]),
    settle: (nonces) => save(items().filter((i) => !nonces.has(i.nonce))),
  };
}

/** A refusal of the whole request that names the fields at fault, as the API client throws it. */
interface Refusal {
  status: number;
  errors: Array<{ path: string; message: string }>;
}
const isRefusal = (err: unknown): err is Refusal =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as Refusal).status === 'number' &&
  Array.isArray((err as Refusal).errors);

/** The items a refused upload names (`body.scans.3.qr` → 3), with the first message for each. */
function namedItems(err: unknown): Map<number, string> {
  const named = new Map<number, string>();
  if (!isRefusal(err) || err.status < 400 || err.status >= 500) return named;
  for (const e of err.errors) {
    const m = /^body\.scans\.(\d+)/.exec(e.path);
    if (m && !named.has(Number(m[1]))) named.set(Number(m[1]), e.message);
  }
  return named;
}

/**
 * Sends the queue in parts of `partSize`, in order, and takes each answered item out of it. When
 * the server refuses a whole part because of some of its items, those leave the queue as refused
 * and the rest of the part is sent again. Any other failure (no network, the server down) stops
 * the upload and leaves what is not answered in the queue, with its nonce, for the next attempt.
 */
export async function uploadQueue<T extends Pending, R extends Pending>(
  queue: OfflineQueue<T>,
  partSize: number,
  send: (part: T[]) => Promise<R[]>,
): Promise<Outcome<T, R>[]> {
  const outcomes: Outcome<T, R>[] = [];
  const pending = queue.items();
  for (let i = 0; i < pending.length; i += partSize) {
    let part = pending.slice(i, i + partSize);
    while (part.length) {
      try {
        const answers = await send(part);
        const byNonce = new Map(answers.map((a) => [a.nonce, a]));
        queue.settle(new Set(byNonce.keys()));
        for (const item of part)
          if (byNonce.has(item.nonce))
            outcomes.push({ item, answer: byNonce.get(item.nonce)!, refused: null });
        part = [];
      } catch (err) {
        const named = namedItems(err);
        const refused = part.filter((_, n) => named.has(n));
        if (refused.length === 0) throw err;
        queue.settle(new Set(refused.map((r) => r.nonce)));
        for (const [n, message] of named)
          if (part[n]) outcomes.push({ item: part[n], answer: null, refused: message });
        part = part.filter((_, n) => !named.has(n));
      }
    }
  }
  return outcomes;
}
