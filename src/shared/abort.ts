import { setTimeout as delay } from 'node:timers/promises';

/**
 * Work stopped because its signal was aborted (the process is shutting down). Nothing is wrong with
 * the work itself: whatever it committed stays, and the next run resumes from there.
 */
export class StoppedError extends Error {
  override name = 'StoppedError';
}

function stopped(what: string): StoppedError {
  return new StoppedError(`${what}: stopped for shutdown`);
}

export function throwIfStopped(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw stopped(what);
}

/** Waits `ms`, or rejects with StoppedError as soon as the signal aborts. */
export async function waitUnlessStopped(
  ms: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<void> {
  throwIfStopped(signal, what);
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw stopped(what);
    throw err;
  }
}

/**
 * Settles like `promise`, or rejects with StoppedError as soon as the signal aborts (the work itself
 * is not cancelled: use it only where abandoning its result is harmless).
 */
export function untilStopped<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (!signal) return promise;
  throwIfStopped(signal, what);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopped(what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
