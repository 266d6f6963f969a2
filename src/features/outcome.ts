/**
 * Platform outcomes: a resource's terminal events end the stream with the outcome they report,
 * in-stream failures end it with a `StreamError` `'server-error-event'`, and a stream that
 * ends before its terminal event fails with `'unexpected-end'`. Read from the adapter's
 * `isTerminal`, `errorOf` and `outcomeOf`; attached by `Transport.stream`, never by `connect()`.
 *
 * @module
 */
import { streamError } from '../core/policy.js';
import type { StreamAdapter, StreamFeature } from '../core/types.js';

/** The outcome feature for `adapter`, with the hint an early end gives (`resumeHint`). @internal */
export function platformOutcome(adapter: StreamAdapter, resumeHint: string | undefined): StreamFeature {
  const { isTerminal, errorOf, outcomeOf } = adapter;
  return (control) => ({
    event(event) {
      const failure = errorOf?.(event);
      if (failure) {
        const { message, traceId, status, serverCode } = failure;
        const outcome = failure.outcome ?? 'failed';
        const error = streamError(
          { ...control.request, lastEventId: control.lastEventId },
          'server-error-event',
          `the server reported an error in the stream: ${message}`,
          { event: event.type, data: event.raw, traceId, status, serverCode, outcome },
        );
        // As on the error: a number is an HTTP status, a word the platform's own.
        const statuses = typeof status === 'number' ? { status } : { serverStatus: status };
        control.end(error, { type: outcome, event, ...statuses, message, serverCode, traceId, error });
      } else if (isTerminal?.(event)) {
        control.end(undefined, { type: 'completed', ...outcomeOf?.(event), event });
      }
    },
    closed: () =>
      isTerminal
        ? streamError(
            { ...control.request, lastEventId: control.lastEventId },
            'unexpected-end',
            `the server closed the stream before its final event${resumeHint ? `; ${resumeHint}` : ''}`,
          )
        : undefined,
  });
}
