/// <reference types="node" />
/**
 * Drives one event stream for the `runstream` bin (Node only): the `fetch` that tees the
 * response bytes (for `--raw`, byte counts and keepalive counts) and logs requests
 * (`--verbose`, credentials redacted), the stream options (reconnect diagnostics, resume), the
 * status line, Ctrl-C with the command that resumes, and the exit code.
 *
 * @module
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { ConnectionError, HTTPError, StreamError, TimeoutError, isSecretHeader, redactHeaders, redactText, redactUrl, type ReadyState, type StreamEvent, type StreamOptions, type StreamOutcome } from '../index.js';
import { PLATFORMS } from '../platforms/index.js';
import { UsageError } from './args.js';
import { bytes, progressBar, short, type Output } from './output.js';

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
  130  interrupted with Ctrl-C (the command that resumes is printed on stderr)`;

/** The exit code for an error that ended a command. */
export function exitCodeOfError(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof StreamError) {
    if (error.code === 'server-error-event') return error.outcome === 'cancelled' ? EXIT.cancelled : EXIT.failed;
    return error.code === 'retries-exhausted' ? EXIT.network : EXIT.broken;
  }
  if (error instanceof HTTPError || error instanceof ConnectionError || error instanceof TimeoutError) return EXIT.network;
  // connect() and the clients throw TypeError for a URL that can never work.
  if (error instanceof TypeError && /runstream:/i.test(error.message)) return EXIT.usage;
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
}

/** Counters of one command, shown in the status line and the summary. */
export interface Stats {
  events: number;
  /** Bytes of event-stream bodies received. */
  bytes: number;
  /** `: comment` lines and `ping`/`heartbeat` events, counted from the bytes. */
  keepalives: number;
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
}

/** Keepalive event names of every platform definition (comments count too): not delivered as events, counted from the bytes. */
const KEEPALIVES: ReadonlySet<string> = new Set(Object.values(PLATFORMS).flatMap((platform) => platform.keepalive));

/**
 * One command's stream: give its {@link Session.fetch} and {@link Session.streamOptions} to the
 * client or `connect()`, then {@link Session.watch} the stream.
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

  constructor(output: Output, options: SessionOptions) {
    this.#output = output;
    this.#options = options;
    this.signal = this.#controller.signal;
  }

  /** True once Ctrl-C was pressed. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** A `fetch` that logs (`--verbose`) and tees event-stream bodies (counts, `--raw`). */
  readonly fetch: typeof fetch = async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    if (this.#options.verbose) this.#logRequest(method, url, new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)));
    const started = performance.now();
    let response: Response;
    try {
      response = await globalThis.fetch(input, init);
    } catch (error) {
      if (this.#options.verbose) this.#output.diag(this.#output.err.dim(`✗ ${method} ${redactUrl(url)}: ${redactText(error instanceof Error ? error.message : String(error))}`));
      throw error;
    }
    if (this.#options.verbose) {
      const id = response.headers.get('x-request-id');
      this.#output.diag(this.#output.err.dim(`← ${response.status} ${response.statusText}${id ? ` · x-request-id ${id}` : ''} · ${Math.round(performance.now() - started)} ms`));
    }
    const type = response.headers.get('content-type') ?? '';
    return response.body && type.includes('text/event-stream') ? this.#tee(response) : response;
  };

  /**
   * Stream options that report reconnects and opens, resume from `--last-event-id`, and close
   * on Ctrl-C.
   */
  streamOptions(flags: { lastEventId?: string | undefined; reconnect?: boolean; idleTimeout?: number | undefined } = {}): StreamOptions {
    return {
      signal: this.signal,
      ...(flags.lastEventId ? { lastEventId: flags.lastEventId } : {}),
      ...(flags.reconnect === false ? { reconnect: false } : {}),
      ...(flags.idleTimeout !== undefined ? { idleTimeout: flags.idleTimeout } : {}),
      onReconnect: ({ attempt, delay, cause, lastEventId }) => {
        this.stats.reconnects++;
        this.#state = `reconnecting #${attempt} in ${delay} ms`;
        const why = cause ? `${cause.name}: ${short(redactText(cause.message), 120)}` : 'the server closed the stream';
        this.#output.diag(
          this.#output.err.yellow(`↻ reconnect #${attempt} in ${delay} ms (${why}) · Last-Event-ID: ${lastEventId === '' ? '(none)' : lastEventId}`),
        );
      },
      onOpen: ({ status, lastEventId }) => {
        this.#state = 'open';
        if (this.#options.verbose) this.#output.diag(this.#output.err.dim(`● open (${status})${lastEventId ? ` after Last-Event-ID ${lastEventId}` : ''}`));
      },
    };
  }

  /**
   * Reads `stream` to its end: renders each event with `view` (or as JSON, or not at all for
   * `--raw`), shows resync events, keeps the status line, handles Ctrl-C and `--max-events`.
   *
   * @returns the exit code.
   */
  async watch(stream: WatchedStream, view: View): Promise<number> {
    this.#stream = stream;
    const stopSigint = this.#options.sigint === false ? () => {} : this.#onSigint();
    const ticker = this.#output.live ? setInterval(() => this.#refresh(view), 200) : undefined;
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
      clearInterval(ticker);
      this.#output.clearStatus();
    }
    const info: EndInfo = { outcome: stream.outcome, error, interrupted: this.#interrupted, watched: first === undefined ? undefined : performance.now() - first };
    this.#end(view, info);
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
    this.#refresh(view);
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

  #refresh(view: View): void {
    if (!this.#output.live) return;
    const state = this.#stream?.readyState === 'closed' ? 'closed' : this.#stream?.readyState === 'open' ? 'open' : this.#state;
    const live = view.live?.();
    const { events, keepalives } = this.stats;
    const id = this.#lastId || this.#stream?.lastEventId;
    this.#output.status(
      `${live ? `${live}  │  ` : ''}● ${state} · ${events} events · ${bytes(this.stats.bytes)} · ${keepalives} keepalives${id ? ` · last id ${id}` : ''}`,
    );
  }

  #logRequest(method: string, url: string, headers: Headers): void {
    const lines = [`→ ${method} ${redactUrl(url)}`];
    for (const [name, value] of Object.entries(redactHeaders(headers))) lines.push(`    ${name}: ${value}`);
    this.#output.diag(this.#output.err.dim(lines.join('\n')));
  }

  /** A response whose body is read through a tee: byte and keepalive counts, `--raw`. */
  #tee(response: Response): Response {
    const decoder = new TextDecoder();
    const parser: EventSourceParser = createParser({
      onEvent: (message) => {
        if (message.event && KEEPALIVES.has(message.event)) this.stats.keepalives++;
      },
      onComment: () => {
        this.stats.keepalives++;
      },
    });
    const raw = this.#options.mode === 'raw';
    const tee = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.stats.bytes += chunk.byteLength;
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (raw) this.#output.bytes(chunk);
        controller.enqueue(chunk);
      },
    });
    const teed = new Response(response.body!.pipeThrough(tee), { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(teed, 'url', { value: response.url });
    return teed;
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
  const code = error instanceof StreamError ? ` [${error.code}]` : error instanceof HTTPError ? ` ${error.status}` : '';
  return `${error.name}${code}: ${redactText(error.message)}`;
}

/** The error lines every view prints when a stream fails: class, code, and the platform's fields. */
export function errorLines(error: unknown): string[] {
  const lines = [describeError(error)];
  if (error instanceof StreamError) {
    const fields = [
      error.serverCode !== undefined ? `serverCode ${error.serverCode}` : '',
      error.status !== undefined ? `status ${error.status}` : '',
      error.traceId ? `trace id ${error.traceId}` : '',
    ].filter(Boolean);
    if (fields.length) lines.push(fields.join(' · '));
  }
  if (error instanceof HTTPError && error.requestId) lines.push(`x-request-id ${error.requestId}`);
  return lines;
}

/** A live progress bar with a label, for {@link View.live}. */
export function liveProgress(percent: number | undefined, label: string | undefined): string | undefined {
  return percent === undefined ? undefined : `${progressBar(percent)}${label ? ` ${label}` : ''}`;
}
