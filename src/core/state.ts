/**
 * The state of one stream, and what may change it from outside the reconnect loop: the parser
 * reports here (`Sink`), features act through it (`StreamControl`), and `end()` settles the
 * consumers. Data flows one way: fetch → parser → this state → the queue → the consumer. The loop
 * that drives it is `StreamCore` (`run.ts`); `EventStream` (`stream.ts`) is the public face.
 *
 * @module
 * @internal
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { StreamError, TimeoutError, invalidData, isTimeoutReason } from './errors.js';
import type { BodyLike } from './options.js';
import type { Connection } from './connection.js';
import type { Sink } from './framing.js';
import { redactUrl, refuseCredentials } from './redact.js';
import { streamError } from './policy.js';
import { Queue } from './queue.js';
import { Lifecycle, type StreamInfo, type StreamLifecycleEvent, type StreamObserver } from './lifecycle.js';
import type { ReadyState, StreamConfig, StreamControl, StreamEvent, StreamHooks, StreamOutcome } from './types.js';

const NO_HOOKS: readonly StreamHooks[] = [];

/** The request a connection sends. */
export type Request = { url: string; method: string; body: BodyLike | undefined; resend?: boolean | undefined };

/**
 * One stream's state. Internal: fields are plain (not `#private`) so that the public face in
 * `stream.ts` and the loop in `run.ts` can read them; nothing outside `src/core` touches them
 * but the features, through {@link StreamControl}.
 *
 * @internal
 */
export class StreamState implements StreamControl, Sink {
  readonly config: StreamConfig;
  state: ReadyState = 'connecting';
  lastEventId: string;
  /** Reconnection time from the server's `retry:` field, in ms; undefined until one arrives. */
  retry: number | undefined;
  /** Made when {@link StreamCore.signal} is first read (a caller's signal, a feature). */
  #controller: AbortController | undefined;
  /** The current HTTP connection, aborted with the stream (`end`). */
  protected connection: Connection | undefined;
  /** The request the next connection sends: a POST resumed by GET switches to the resume URL. */
  request: Request;
  readonly queue: Queue;
  /** The features' hooks (see `StreamFeature`). */
  protected hooks = NO_HOOKS;
  started = false;
  /** Count of delivered events; a connection that raised it resets the backoff. */
  delivered = 0;
  failure: Error | undefined;
  finished: Promise<StreamOutcome> | undefined;
  settle: [resolve: (outcome: StreamOutcome) => void, reject: (error: unknown) => void] | undefined;
  outcome: StreamOutcome | undefined;
  /** Ends the current reconnect wait early (see `StreamControl.wake`). */
  protected waking: AbortController | undefined;
  /** Set while a feature holds the stream (a hidden page); resolves when released. */
  protected hold: [Promise<void>, () => void] | undefined;
  /** Set when a feature closed the connection: the next request is its reconnect. */
  protected interrupted = false;
  /** The lifecycle surface (see `lifecycle.ts`): nothing is allocated until someone observes. */
  life: Lifecycle | undefined;
  /** Body bytes read and reconnects scheduled, over the stream's life. */
  bytes = 0;
  reconnects = 0;

  constructor(config: StreamConfig, owner: { close(): void }) {
    this.config = config;
    this.lastEventId = config.lastEventId;
    // The config holds the first request (a POST resumed by GET switches to another).
    this.request = config;
    this.queue = new Queue(owner, config.adapter.known);
  }

  /** Attaches the features (after the stream's own observers, as the options list them). */
  use(): void {
    const use = this.config.use;
    // A feature that takes part in nothing (`instrument()` with no SDK) leaves no hooks: a stream
    // whose features all do so runs the plain path, with no per-event loop over them.
    const hooks = use?.map((feature) => feature(this)).filter((entry): entry is StreamHooks => !!entry);
    if (hooks?.length) this.hooks = hooks;
  }

  // StreamControl (see types.ts): what a feature may do.

  /** Aborts when the stream ends. A getter: runtimes make a controller's signal when first read. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.closed()) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  get info(): StreamInfo {
    const config = this.config;
    return (config.info ??= { method: config.method, url: redactUrl(config.url) });
  }

  setRequest({ url, method, body, resend }: { url: string; method: string; body?: BodyLike | undefined; resend?: boolean | undefined }): void {
    refuseCredentials(url, 'the stream URL');
    this.request = { url, method, body, resend };
  }

  deliver(event: StreamEvent): void {
    this.delivered++;
    const life = this.life;
    if (life?.eventsWatched) this.emit({ type: 'event', event });
    else life?.changed();
    this.queue.push(event);
    // A plain stream has no features: no iterator per event.
    if (this.hooks.length) for (const hooks of this.hooks) if (!this.closed()) hooks.event?.(event);
  }

  /** Reports a lifecycle step to the observers, and a change to the subscribers. */
  emit(step?: StreamLifecycleEvent): void {
    this.life?.emit(step);
  }

  end(failure?: Error, outcome?: StreamOutcome): void {
    if (this.closed()) return;
    this.state = 'closed';
    this.failure = failure;
    // A terminal event or close() named the outcome already; else the end says it.
    const result = (this.outcome ??= outcome ?? (failure ? { type: 'error', error: failure } : { type: 'ended' }));
    this.#controller?.abort();
    this.connection?.abort();
    this.wake();
    this.hold?.[1]();
    this.queue.end(failure);
    if (failure) {
      // Nobody observes a failure of a stream with only listeners: surface it rather than lose it.
      if (this.settle) this.settle[1](failure);
      else if (!this.queue.iterating && this.started) this.finished ??= Promise.reject(failure);
    } else {
      this.settle?.[0](result);
    }
    this.emit({ type: 'end', outcome: result });
  }

  wake(): void {
    this.waking?.abort();
  }

  observe(observer: StreamObserver, options?: { events?: boolean }): () => void {
    return this.lifecycle().observe(observer, options?.events);
  }

  /** The lifecycle surface (see `lifecycle.ts`), made when first used. */
  lifecycle(): Lifecycle {
    return (this.life ??= new Lifecycle(() => ({
      readyState: this.state,
      lastEventId: this.lastEventId,
      retry: this.retry,
      events: this.delivered,
      reconnects: this.reconnects,
      bytes: this.bytes,
      outcome: this.outcome,
    })));
  }

  interrupt(hold?: boolean): void {
    if (hold === false) {
      this.hold?.[1]();
      this.hold = undefined;
      return;
    }
    if (hold && !this.hold) {
      let release!: () => void;
      this.hold = [new Promise<void>((resolve) => (release = resolve)), release];
    }
    if (this.connection) this.interrupted = true;
    this.connection?.abort();
    this.wake();
  }

  // Sink (see framing.ts): what the parser reports, while `feed` runs.

  onId(id: string): void {
    // The rest of a chunk after the stream ended is never delivered, so its ids must not
    // move the last event ID either (else it would depend on chunking).
    if (this.closed()) return;
    this.lastEventId = id;
    this.emit();
  }

  onRetry(retry: number): void {
    this.retry = retry;
    this.emit({ type: 'retry', retry });
  }

  // A comment is a keepalive (`: ping`, a relay's `: keepalive`): its cadence may shorten the
  // idle timeout. Comments are rare, so this costs nothing per event.
  onComment(comment: string): void {
    this.connection?.keepalive();
    this.emit({ type: 'comment', comment });
  }

  onTooLarge(): void {
    this.end(streamError({ ...this.request, lastEventId: this.lastEventId }, 'max-buffer-size', `an event grew past maxEventSize (${this.config.maxEventSize} characters)`));
  }

  onEvent(message: EventSourceMessage): void {
    if (this.closed()) return;
    let event: StreamEvent | null | undefined | false;
    try {
      event = this.config.adapter.toEvent(message, this.lastEventId);
    } catch (error) {
      return this.#invalidData(error, message);
    }
    // `undefined`: a keepalive; `false`: not for this stream; `null`: the end marker.
    if (event) return this.deliver(event);
    if (event === null) this.end(undefined, { type: 'completed' });
    else if (event === undefined) {
      this.connection?.keepalive();
      if (this.life?.watched) this.emit({ type: 'keepalive', event: message.event ?? 'message' });
    }
  }

  #invalidData(error: unknown, message: EventSourceMessage): void {
    const failure = error instanceof StreamError ? error : invalidData(message.event ?? 'message', message.data, this.lastEventId, error);
    const handler = this.config.onInvalidData;
    try {
      if (!handler) throw failure;
      handler(failure);
    } catch (thrown) {
      this.end(thrown instanceof Error ? thrown : failure);
    }
  }

  /** `EventStream.close()`: ends the stream, dropping the events the iterator has not taken. */
  close(): void {
    if (this.closed()) return;
    // Leaving the loop at the terminal event keeps the outcome that event reported.
    this.outcome ??= { type: 'closed' };
    // Iteration ends now, as EventSource's close() stops dispatch: events that arrived in the
    // same chunk but were not yet taken by the iterator are dropped, as they are for listeners.
    this.queue.clear();
    this.end();
  }

  /**
   * The caller's signal aborted: a deadline (`AbortSignal.timeout(ms)`) ends the stream with a
   * `TimeoutError`, since whoever set it wants to know it passed; any other reason ends it as
   * `close()` does.
   */
  aborted(reason: unknown): void {
    if (!isTimeoutReason(reason)) return this.close();
    const { method, url } = this.request;
    this.end(reason instanceof TimeoutError ? reason : new TimeoutError({ method, url, cause: reason, lastEventId: this.lastEventId }));
  }

  // A method rather than a comparison: TypeScript would keep `state` narrowed across awaits.
  closed(): boolean {
    return this.state === 'closed';
  }
}
