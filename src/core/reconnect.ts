/**
 * The reconnection delay policy, as a pure function.
 *
 * @module
 */
import type { ResolvedReconnect } from './options.js';

/**
 * Delay before reconnect attempt `attempt` (1-based), in milliseconds.
 *
 * Attempt 1 waits exactly `baseDelay` (the server's `retry:` or the initial delay), as
 * EventSource does. Later consecutive attempts grow by `factor` up to `maxDelay` (or up to
 * `baseDelay` when the server asked for more), and the growth loses a random share of up to
 * `jitter`: a delay is never shorter than the reconnection time the spec asks for.
 *
 * @internal
 */
export function reconnectDelay(attempt: number, baseDelay: number, policy: ResolvedReconnect): number {
  if (attempt <= 1) return baseDelay;
  const cap = Math.max(policy.maxDelay, baseDelay);
  const grown = Math.min(cap, baseDelay * policy.factor ** (attempt - 1));
  return Math.round(baseDelay + (grown - baseDelay) * (1 - policy.jitter * policy.random()));
}
