/**
 * De-duplication by event id, opt-in: `connect(url, { use: [dedupe()] })`.
 *
 * @module
 */
import { DEFAULTS } from '../core/options.js';
import type { StreamFeature } from '../core/types.js';

/**
 * Drops events whose `id:` was already delivered, for servers that replay after a reconnect;
 * to pass in a stream's `use` option. It remembers the last `window` ids (oldest forgotten
 * first). Events without their own `id:` field are never dropped.
 *
 * @param window - how many recent ids to remember: a whole number ≥ 1.
 *   @defaultValue {@link DEFAULTS}`.dedupeWindow` (1000)
 * @throws RangeError for a `window` that is not a whole number ≥ 1.
 *
 * @example
 * ```ts
 * import { connect, dedupe } from 'runstream';
 *
 * const stream = connect('http://127.0.0.1:8080/events', { use: [dedupe(100)] });
 * ```
 */
export function dedupe(window: number = DEFAULTS.dedupeWindow): StreamFeature {
  if (!(Number.isSafeInteger(window) && window >= 1)) throw new RangeError(`runstream: dedupe's window must be a whole number ≥ 1, got ${String(window)}`);
  return ({ config }) => {
    const seen = new Set<string>();
    const adapter = config.adapter;
    config.adapter = {
      ...adapter,
      toEvent(message, lastEventId) {
        const id = message.id;
        if (id) {
          // A server that replays after a reconnect sends ids we delivered already.
          if (seen.has(id)) return false;
          seen.add(id);
          if (seen.size > window) seen.delete(seen.values().next().value as string);
        }
        return adapter.toEvent(message, lastEventId);
      },
    };
  };
}
