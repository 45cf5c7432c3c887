/**
 * Time for the engine. The pure core reads `now` from its input; the shell
 * uses a Clock to read time and to be woken. Tests use `ManualClock`
 * (test-utils) to move time without sleeping.
 *
 * Contract: `setTimer` callbacks run at or after `at` (ms since epoch, the
 * clock's own timeline), never synchronously inside `setTimer`; the
 * returned function cancels the timer and is idempotent.
 */
export interface Clock {
  now(): number;
  setTimer(at: number, callback: () => void): () => void;
  /**
   * Optional monotonic, sub-millisecond time (ms) for measuring short
   * intervals such as ping round trips; `now()` is used where absent.
   */
  elapsed?(): number;
}

/** The largest delay setTimeout honours. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
  setTimer(at, callback) {
    // setTimeout takes at most 2^31-1 ms (~24.8 days) and fires at once for
    // more; far timers (a certificate's notAfter) wait in hops instead.
    let handle: ReturnType<typeof setTimeout>;
    const arm = () => {
      const delay = at - Date.now();
      handle = delay > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(callback, Math.max(0, delay));
      handle.unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  },
};
