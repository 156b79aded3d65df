/**
 * What every receiver connection shares, whatever its transport: callers waiting for an answer
 * that satisfies them, each with its own deadline, all failed at once when the connection ends.
 */
export function createWaiters<M>() {
  type Waiter = { done: (m: M) => boolean; resolve: () => void; reject: (e: Error) => void };
  const waiting = new Set<Waiter>();
  let ended: string | null = null;
  return {
    /** Resolves at the first message `done` accepts; rejects after `ms` or when the connection ends. */
    wait(done: (m: M) => boolean, ms: number): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        if (ended) return reject(new Error(ended));
        const timer = setTimeout(() => {
          waiting.delete(w);
          reject(new Error(`no answer within ${ms} ms`));
        }, ms);
        const w: Waiter = {
          done,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        waiting.add(w);
      });
    },
    /** Hands a received message to every waiter; those it satisfies stop waiting. */
    offer(m: M) {
      for (const w of [...waiting])
        if (w.done(m)) {
          waiting.delete(w);
          w.resolve();
        }
    },
    /** The connection ended: every waiter fails with the reason, and so does any later wait. */
    end(reason: string) {
      ended ??= reason;
      for (const w of waiting) w.reject(new Error(reason));
      waiting.clear();
    },
  };
}

/**
 * The life of one telemetry stream: it ends once (the owner hears why), whether the receiver, a
 * stall, or the owner ends it; `close()` by the owner is silent.
 */
export function streamLife(onEnd: (reason: string) => void, cleanup: () => void) {
  const life = {
    done: false,
    end: (reason: string) => {
      if (life.done) return;
      life.done = true;
      cleanup();
      onEnd(reason);
    },
    close: () => {
      life.done = true;
      cleanup();
    },
  };
  return life;
}
