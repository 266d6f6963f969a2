/**
 * The `--verbose` lines of the `runstream` bin: the library's debug log (`debugStream`,
 * `debugCalls`), the same lines `debug: true` and `RUNSTREAM_DEBUG=1` write. One line per
 * request sent and one per answer (or failure), with the stream's reconnects (and the source of
 * their delay), resyncs, gaps and end, built from the library's own seams, never from a wrapped
 * `fetch`: JSON calls (create, retrieve, result, cancel, a resync's read) from the client option
 * `onCall`, a stream's requests from its lifecycle. URLs and headers arrive with their secrets
 * masked; error messages are redacted again before they are printed.
 *
 * @module
 */
import { debugCalls, debugStream, type CallObserver, type StreamObserver } from '../index.js';

/**
 * Writes the `--verbose` lines through `write` (one call per line): {@link HttpLog.call} for a
 * client's `onCall`, {@link HttpLog.stream} for each stream's lifecycle.
 */
export class HttpLog {
  readonly #write: (line: string) => void;
  /** The client option `onCall`: each JSON call's request line, then its answer or failure. */
  readonly call: CallObserver;

  constructor(write: (line: string) => void) {
    this.#write = write;
    this.call = debugCalls(write);
  }

  /**
   * An observer of one stream (a new one per stream: it numbers the stream and times its
   * requests): the request line at each `connecting` step, its answer or failure, reconnects,
   * resyncs, gaps and the end.
   */
  stream(): StreamObserver {
    return debugStream(this.#write);
  }
}
