/**
 * Resync and gap recovery: when the wire cannot tell what happened (a first connection, a
 * reconnect without an id to resume from, a refusal that may mean the run already finished),
 * the platform's REST API is asked, and its answer is delivered as a `resync` event. Attached
 * by `Transport.stream` for resources that have a resync; never by `connect()`.
 *
 * @module
 */
import type { GapMarker, ResyncContext, ResyncResult, StreamFeature } from '../core/types.js';

/** The resync of a platform that cannot recover a gap: the marker alone. @internal */
export function markGap({ reason, delivered }: ResyncContext): Promise<ResyncResult | undefined> {
  // Before any event, a server that replays from the start loses nothing.
  return Promise.resolve(reason === 'reconnected' && delivered ? { data: { reason, recovered: false } satisfies GapMarker } : undefined);
}

/** The resync feature over a resource's `resync` function. @internal */
export function resyncWith(resync: (context: ResyncContext) => Promise<ResyncResult | undefined>): StreamFeature {
  return (control) => {
    /** Asks, and acts on the answer: a `resync` event, then the outcome or the error. Resolves true when the stream ended. */
    const run = async (context: Pick<ResyncContext, 'reason' | 'error'>): Promise<boolean> => {
      const signal = control.signal;
      const result = await resync({ ...context, signal, delivered: control.delivered });
      if (signal.aborted || !result) return signal.aborted;
      if (result.error) {
        control.end(result.error);
        return true;
      }
      let event;
      if (result.data !== undefined) {
        event = { type: 'resync', data: result.data, id: control.lastEventId, raw: JSON.stringify(result.data) };
        control.deliver(event);
      }
      const recovered = (result.data as { recovered?: unknown } | undefined)?.recovered;
      control.emit({ type: 'resync', reason: context.reason, recovered: recovered !== false, event });
      if (!result.outcome || signal.aborted) return signal.aborted;
      control.end(undefined, { ...result.outcome, event });
      return true;
    };
    return {
      // Without an id to resume from, what happened before this connection is not on the wire.
      open: (reconnected) => (reconnected && control.lastEventId ? undefined : run({ reason: reconnected ? 'reconnected' : 'subscribed' }).then(() => {})),
      refused: (error) => run({ reason: 'http-error', error }),
    };
  };
}
