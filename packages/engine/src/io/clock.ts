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

export const systemClock: Clock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
  setTimer(at, callback) {
    const handle = setTimeout(callback, Math.max(0, at - Date.now()));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};
