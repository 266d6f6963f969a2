/// <reference types="node" />
/**
 * Drives one event stream for the `runstream` bin (Node only): the stream options (an observer
 * of the stream's lifecycle for byte and keepalive counts, `--raw`, reconnect lines and, with
 * `--verbose`, each request and its answer; resume), the client's `onCall` for the `--verbose`
 * lines of JSON calls, the status line, Ctrl-C with the command that resumes, `--record`, and the
 * exit code.
 *
 * @module
 */
import {
  debugCalls,
  debugStream,
  isConnectionError,
  isHTTPError,
  isSDKError,
  isSecretHeader,
  isStreamError,
  isTimeoutError,
  redactText,
  type CallObserver,
  type ReadyState,
  type StreamEvent,
  type StreamLifecycleEvent,
  type StreamObserver,
  type StreamOptions,
  type StreamOutcome,
} from '../index.js';
import { UsageError } from './args.js';
import { bytes, progressBar, short, type Output } from './output.js';
import { startRecording } from './record.js';

/**
 * Exit codes, for scripts. One table, shown in `--help` and docs/cli.md.
 */
export const EXIT = {
  /** The run completed, or the stream ended cleanly (also `--max-events` reached). */
  ok: 0,
  /** The run failed (the platform said so: `run.failed`, `execution:failed`, a skills error `done`, …). */
  failed: 1,
  /** The command line is wrong (unknown command or flag, bad value). */
  usage: 2,
  /** The run was cancelled (the platform said so). */
  cancelled: 3,
  /** HTTP error, connection error (refused, dropped and retries exhausted), or timeout. */
  network: 4,
  /** The stream is broken: not `text/event-stream`, undecodable data, an event too large, an early end. */
  broken: 5,
  /** The run waits for you (an agent protocol's interrupt: input or approval it asks for). */
  waiting: 6,
  /** Interrupted with Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;

/** The exit-code table as `--help` prints it. */
export const EXIT_TABLE = `Exit codes:
  0    the run completed, or the stream ended cleanly (or --max-events was reached)
  1    the run failed (run.failed, execution:failed, a skills error done, a job that failed)
  2    usage error (unknown command or flag, bad value)
  3    the run was cancelled
  4    HTTP error, connection error or timeout (the server refused, was unreachable, or dropped for good)
  5    broken stream (not text/event-stream, undecodable data, an event too large, an early end)
  6    the run waits for input (an agent protocol's interrupt)
  130  interrupted with Ctrl-C (the command that resumes is printed on stderr)`;

/** The exit code for an error that ended a command. */
export function exitCodeOfError(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (isStreamError(error)) {
    if (error.code === 'server-error-event') return error.outcome === 'cancelled' ? EXIT.cancelled : EXIT.failed;
    return error.code === 'retries-exhausted' ? EXIT.network : EXIT.broken;
  }
  // The guards, not `instanceof`: a command may hold errors of another loaded copy of runstream.
  if (isHTTPError(error) || isConnectionError(error) || isTimeoutError(error)) return EXIT.network;
  // connect() and the clients throw TypeError (RangeError for an option) for a call that can never work.
  if ((error instanceof TypeError || error instanceof RangeError) && error.message.startsWith('runstream: ')) return EXIT.usage;
  return EXIT.failed;
}

/** The exit code for how a stream ended. */
export function exitCodeOf(outcome: StreamOutcome | undefined, error: unknown): number {
  if (error !== undefined) return exitCodeOfError(error);
  switch (outcome?.type) {
    case 'failed':
      return EXIT.failed;
    case 'cancelled':
      return EXIT.cancelled;
    case 'interrupted':
      return EXIT.waiting;
    case 'error':
      return exitCodeOfError(outcome.error);
    default:
      return EXIT.ok;
  }
}

/** What {@link Session.watch} reads of an `EventStream`: any resource's stream, or `connect()`'s. */
export interface WatchedStream extends AsyncIterable<StreamEvent<string, unknown>> {
  readonly outcome: StreamOutcome | undefined;
  readonly readyState: ReadyState;
  readonly lastEventId: string;
  /** Observes the stream's lifecycle without starting it (`EventStream.observe`), for `--record`. */
  observe(observer: StreamObserver): () => void;
}

/** Counters of one command, shown in the status line and the summary. */
export interface Stats {
  events: number;
  /** Bytes of event-stream bodies received (the lifecycle's `bytes` steps). */
  bytes: number;
  /**
   * SSE comments (`: keepalive`) and the platform's keepalive events (Crewship and PraisonAI
   * `heartbeat`, stax `ping`), which are never delivered: the lifecycle's `comment` and
   * `keepalive` steps.
   */
  keepalives: number;
  /** Reconnects scheduled (the lifecycle's `reconnect` steps). */
  reconnects: number;
}

/** How a view is told that the stream ended. */
export interface EndInfo {
  outcome: StreamOutcome | undefined;
  /** The error the stream threw, if any. */
  error: unknown;
  interrupted: boolean;
  /** Milliseconds from the first event to the end, as watched here (wall clock). */
  watched: number | undefined;
}

/** A platform's live view: renders events and the end; text for resync events in the other modes. */
export interface View {
  /** Renders one event (view mode only). */
  event(event: StreamEvent<string, unknown>): void;
  /** Sees every event, in every output mode (to keep state a command needs after the stream). */
  observe?(event: StreamEvent<string, unknown>): void;
  /** Renders the end (view mode only). */
  end(info: EndInfo): void;
  /** The live part of the status line, e.g. a progress bar. */
  live?(): string | undefined;
  /** A resync event as one line (in `--json` and `--raw` modes it goes to stderr). */
  resync(event: StreamEvent<string, unknown>): string;
}

/** Options of a {@link Session}. */
export interface SessionOptions {
  mode: 'view' | 'json' | 'raw';
  verbose: boolean;
  maxEvents?: number | undefined;
  /** Only these event types count and are shown (client-side filter). */
  types?: ReadonlySet<string> | undefined;
  /** The command line, to print the command that resumes after Ctrl-C. */
  argv?: string[] | undefined;
  /** Install a SIGINT handler. @defaultValue true */
  sigint?: boolean | undefined;
  /**
   * `--record <file.json>`: the file {@link Session.watch} writes the watched stream's recording
   * to (a testing-kit script, see `recordStream()`), when the stream ends or on Ctrl-C.
   */
  record?: string | undefined;
}

/**
 * One command's stream: give its {@link Session.onCall} to the client and its
 * {@link Session.streamOptions} to each stream (a resource's or `connect()`'s), then
 * {@link Session.watch} the stream. Everything shown of a stream's own life (bytes, keepalives,
 * `--raw`, reconnects, and with `--verbose` each request and its answer) is read from the
 * stream's lifecycle (`observe`), never from a second reading of the body or a wrapped `fetch`.
 */
export class Session {
  readonly stats: Stats = { events: 0, bytes: 0, keepalives: 0, reconnects: 0 };
  /** Aborted on Ctrl-C: pass it to every call. */
  readonly signal: AbortSignal;
  readonly #output: Output;
  readonly #options: SessionOptions;
  readonly #controller = new AbortController();
  #interrupted = false;
  #stream: WatchedStream | undefined;
  #lastId = '';
  #state = 'connecting';
  /** The view of the stream being watched; `undefined` outside {@link Session.watch}. */
  #view: View | undefined;
  readonly #encoder = new TextEncoder();
  /** Where the `--verbose` lines (the library's debug log) go; `undefined` without the flag. */
  readonly #log: ((line: string) => void) | undefined;

  constructor(output: Output, options: SessionOptions) {
    this.#output = output;
    this.#options = options;
    this.signal = this.#controller.signal;
    this.#log = options.verbose ? (line) => output.diag(output.err.dim(line)) : undefined;
    this.onCall = this.#log && debugCalls(this.#log);
  }

  /** True once Ctrl-C was pressed. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /**
   * The client option `onCall` to give the clients: with `--verbose`, it prints each JSON call
   * (create, retrieve, result, cancel, a resync's read) as a request line (method, URL and
   * headers, secrets masked) and its answer (status, `x-request-id`, time) or failure; without
   * it, `undefined`. A stream's requests are printed from its lifecycle (see
   * {@link Session.streamOptions}).
   */
  readonly onCall: CallObserver | undefined;

  /**
   * Stream options that observe the stream's life (byte and keepalive counts, `--raw`, the
   * reconnect lines and, with `--verbose`, each request and its answer or failure), resume from
   * `--last-event-id`, and close on Ctrl-C. Call it once per stream.
   */
  streamOptions(flags: { lastEventId?: string | undefined; reconnect?: boolean; idleTimeout?: number | undefined } = {}): StreamOptions {
    // One observer per stream: it numbers the stream and times its requests.
    const requests = this.#log && debugStream(this.#log);
    return {
      signal: this.signal,
      ...(flags.lastEventId ? { lastEventId: flags.lastEventId } : {}),
      ...(flags.reconnect === false ? { reconnect: false } : {}),
      ...(flags.idleTimeout !== undefined ? { idleTimeout: flags.idleTimeout } : {}),
      observe: requests
        ? (step) => {
            // The answer to a request before what follows from it (a reconnect line).
            requests(step);
            this.#observe(step);
          }
        : this.#observe,
    };
  }

  /** Sees each step of a stream's life: the counts, `--raw`, and the reconnect lines. */
  readonly #observe = (step: StreamLifecycleEvent): void => {
    switch (step.type) {
      case 'bytes':
        this.stats.bytes += step.bytes;
        // The body as the stream read it, decoded as UTF-8 (`text` holds back a split character).
        if (this.#options.mode === 'raw' && step.text) this.#output.bytes(this.#encoder.encode(step.text));
        break;
      case 'comment':
      case 'keepalive':
        this.stats.keepalives++;
        break;
      case 'open':
        this.#state = 'open';
        break;
      case 'reconnect': {
        const { attempt, delay, cause, lastEventId } = step;
        this.stats.reconnects++;
        this.#state = `reconnecting #${attempt} in ${delay} ms`;
        const why = cause ? `${cause.name}: ${short(redactText(cause.message), 120)}` : 'the server closed the stream';
        // With --verbose the debug log's reconnect line says this (and the delay's source).
        if (!this.#log) {
          this.#output.diag(
            this.#output.err.yellow(`↻ reconnect #${attempt} in ${delay} ms (${why}) · Last-Event-ID: ${lastEventId === '' ? '(none)' : lastEventId}`),
          );
        }
        break;
      }
      default:
        return;
    }
    this.#refresh();
  };

  /**
   * Reads `stream` to its end: renders each event with `view` (or as JSON, or not at all for
   * `--raw`), shows resync events, keeps the status line, handles Ctrl-C and `--max-events`;
   * with `--record`, records every connection of `stream` and writes the script at its end.
   *
   * @returns the exit code.
   */
  async watch(stream: WatchedStream, view: View): Promise<number> {
    this.#stream = stream;
    this.#view = view;
    // Before the first read: the recording starts with the stream's first request.
    const recorder = this.#options.record === undefined ? undefined : startRecording(stream, this.#options.record, this.#output);
    const stopSigint = this.#options.sigint === false ? () => {} : this.#onSigint();
    let error: unknown;
    let first: number | undefined;
    try {
      for await (const event of stream) {
        first ??= performance.now();
        if (this.#options.types && !this.#options.types.has(event.type)) continue;
        this.#deliver(event, view);
        if (this.#options.maxEvents !== undefined && this.stats.events >= this.#options.maxEvents) break;
      }
    } catch (caught) {
      error = caught;
    } finally {
      stopSigint();
      this.#view = undefined;
      this.#output.clearStatus();
    }
    const info: EndInfo = { outcome: stream.outcome, error, interrupted: this.#interrupted, watched: first === undefined ? undefined : performance.now() - first };
    this.#end(view, info);
    recorder?.write();
    return this.#interrupted ? EXIT.interrupted : exitCodeOf(stream.outcome, error);
  }

  /** Runs `call` (a JSON call before the stream, such as a submit) with Ctrl-C handled. */
  async call<T>(call: () => Promise<T>): Promise<T> {
    const stop = this.#options.sigint === false ? () => {} : this.#onSigint();
    try {
      return await call();
    } finally {
      stop();
    }
  }

  #deliver(event: StreamEvent<string, unknown>, view: View): void {
    this.stats.events++;
    this.#lastId = event.id;
    view.observe?.(event);
    if (this.#options.mode === 'json') this.#output.line(JSON.stringify({ type: event.type, id: event.id, data: event.data }));
    else if (this.#options.mode === 'view') view.event(event);
    if (event.type === 'resync' && this.#options.mode !== 'view') this.#output.diag(this.#output.err.yellow(view.resync(event)));
    this.#refresh();
  }

  #end(view: View, info: EndInfo): void {
    if (this.#options.mode === 'view') view.end(info);
    else this.#output.diag(this.#output.err.dim(`outcome: ${info.outcome?.type ?? 'none'}${info.error instanceof Error ? ` (${describeError(info.error)})` : ''}`));
    const { events, keepalives, reconnects } = this.stats;
    this.#output.diag(
      this.#output.err.dim(
        `· ${events} event${events === 1 ? '' : 's'} · ${bytes(this.stats.bytes)} · ${keepalives} keepalive${keepalives === 1 ? '' : 's'} · ${reconnects} reconnect${reconnects === 1 ? '' : 's'}${this.#lastId ? ` · last id ${this.#lastId}` : ''}`,
      ),
    );
    if (info.interrupted) this.#resumeHint();
  }

  #resumeHint(): void {
    const id = this.#lastId || this.#stream?.lastEventId || '';
    if (!this.#options.argv) return;
    if (!id) {
      this.#output.diag('Interrupted (no event id yet: the stream cannot be resumed by Last-Event-ID).');
      return;
    }
    const command = resumeCommand(this.#options.argv, id);
    // A secret header's value is not printed: say where it goes back.
    const note = command.includes('***') ? '\n  (values shown as *** are secrets: put them back, e.g. from an environment variable)' : '';
    this.#output.diag(`Interrupted. Resume with:\n  ${command}${note}`);
  }

  #onSigint(): () => void {
    const handler = () => {
      if (this.#interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C: now
      this.#interrupted = true;
      this.#controller.abort();
    };
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  }

  /**
   * Redraws the status line (a terminal only) while a stream is watched: after each event and
   * each lifecycle step that changes it (bytes, keepalives, open, reconnect), so no timer.
   */
  #refresh(): void {
    const view = this.#view;
    if (!view || !this.#output.live) return;
    const state = this.#stream?.readyState === 'closed' ? 'closed' : this.#stream?.readyState === 'open' ? 'open' : this.#state;
    const live = view.live?.();
    const { events, keepalives } = this.stats;
    const id = this.#lastId || this.#stream?.lastEventId;
    this.#output.status(
      `${live ? `${live}  │  ` : ''}● ${state} · ${events} events · ${bytes(this.stats.bytes)} · ${keepalives} keepalives${id ? ` · last id ${id}` : ''}`,
    );
  }
}

/**
 * `argv` with `--last-event-id <id>` set, any `--api-key` value replaced by
 * `"$RUNSTREAM_API_KEY"`, the value of every secret `-H` header (see `isSecretHeader`) replaced by
 * `***`, and secrets in URLs redacted (see `redactUrl`): a resume hint never prints a credential.
 */
export function resumeCommand(argv: string[], id: string): string {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--last-event-id') index++;
    else if (arg.startsWith('--last-event-id=')) continue;
    else if (arg === '--api-key') {
      index++;
      out.push('--api-key', '"$RUNSTREAM_API_KEY"');
    } else if (arg.startsWith('--api-key=')) out.push('--api-key', '"$RUNSTREAM_API_KEY"');
    else if ((arg === '-H' || arg === '--header') && index + 1 < argv.length) out.push(arg, shellQuote(headerArg(argv[++index]!)));
    else if (arg.startsWith('--header=')) out.push(shellQuote(`--header=${headerArg(arg.slice('--header='.length))}`));
    else out.push(shellQuote(redactText(arg)));
  }
  return ['runstream', ...out, '--last-event-id', shellQuote(id)].join(' ');
}

/** A `-H 'Name: value'` argument with the value of a secret header replaced by `***`. */
function headerArg(header: string): string {
  const colon = header.indexOf(':');
  return colon > 0 && isSecretHeader(header.slice(0, colon).trim()) ? `${header.slice(0, colon)}: ***` : redactText(header);
}

/** One shell word: as is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (word === '"$RUNSTREAM_API_KEY"') return word;
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An error as one line: its class, runstream's code, and the message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redactText(String(error));
  const code = isStreamError(error) ? ` [${error.code}]` : isHTTPError(error) ? ` ${error.status}` : '';
  // The class already says whose error it is: the message's `runstream: ` would repeat it.
  return `${error.name}${code}: ${redactText(isSDKError(error) ? error.message.replace(/^runstream: /, '') : error.message)}`;
}

/** The error lines every view prints when a stream fails: class, code, and the platform's fields. */
export function errorLines(error: unknown): string[] {
  const lines = [describeError(error)];
  if (isStreamError(error)) {
    const fields = [
      error.serverCode !== undefined ? `serverCode ${error.serverCode}` : '',
      error.status !== undefined ? `status ${error.status}` : '',
      error.serverStatus !== undefined ? `serverStatus ${error.serverStatus}` : '',
      error.traceId ? `trace id ${error.traceId}` : '',
    ].filter(Boolean);
    if (fields.length) lines.push(fields.join(' · '));
  }
  if (isHTTPError(error) && error.requestId) lines.push(`x-request-id ${error.requestId}`);
  return lines;
}

/** A live progress bar with a label, for {@link View.live}. */
export function liveProgress(percent: number | undefined, label: string | undefined): string | undefined {
  return percent === undefined ? undefined : `${progressBar(percent)}${label ? ` ${label}` : ''}`;
}
