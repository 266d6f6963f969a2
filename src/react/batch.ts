/**
 * When the hook renders a batch of events: on the next animation frame, after a delay, or at
 * once (see {@link BatchMode}).
 *
 * @module
 */
import type { BatchMode } from './types.js';

/** The fallback of `'frame'` where there is no `requestAnimationFrame`, in ms. */
const FRAME_FALLBACK = 16;

/** Schedules `flush` per `mode`; returns a function that cancels it. */
export function scheduler(mode: BatchMode, flush: () => void): () => void {
  if (mode === 'frame') {
    const scope = globalThis as { requestAnimationFrame?: (callback: () => void) => number; cancelAnimationFrame?: (handle: number) => void };
    if (typeof scope.requestAnimationFrame === 'function') {
      const handle = scope.requestAnimationFrame(flush);
      return () => scope.cancelAnimationFrame?.(handle);
    }
  }
  const delay = typeof mode === 'number' && Number.isFinite(mode) ? Math.max(0, mode) : FRAME_FALLBACK;
  const timer = setTimeout(flush, delay);
  return () => clearTimeout(timer);
}
