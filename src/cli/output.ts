/// <reference types="node" />
/**
 * Terminal output of the `runstream` bin (Node only): colours, TTY detection, the status line
 * on stderr, and small text formatters (times, sizes, progress bars).
 *
 * Colours follow the usual conventions: on when the stream is a TTY; `NO_COLOR` (any non-empty
 * value) turns them off; `FORCE_COLOR` turns them on, also when piped, and wins over
 * `NO_COLOR` (as in Node itself); `FORCE_COLOR=0` turns them off.
 *
 * @module
 */
import * as util from 'node:util';

/** The styles the bin uses. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

/** Paints text in one style, or returns it as is when colours are off. */
export type Painter = Record<Style, (text: string) => string>;

/** A writable stream as far as the bin needs one. */
export interface Sink {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

const SGR: Record<Style, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39], gray: [90, 39] };
// Node 22 checks the stream inside styleText (validateStream); the bin decides itself. Before
// Node 20.12 there is no styleText: the same codes by hand.
const style: (format: Style, text: string, options?: { validateStream?: boolean }) => string =
  (util as { styleText?: typeof style }).styleText ?? ((format, text) => `\x1b[${SGR[format][0]}m${text}\x1b[${SGR[format][1]}m`);

/**
 * Whether to colour output written to `sink`, from the environment and the sink.
 *
 * @param env - the environment (`process.env`).
 */
export function colorEnabled(sink: Sink, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return sink.isTTY === true;
}

/** A {@link Painter}; with `enabled` false every style is the identity. */
export function painter(enabled: boolean): Painter {
  const styles: Style[] = ['bold', 'dim', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'gray'];
  return Object.fromEntries(
    styles.map((name) => [name, enabled ? (text: string) => style(name, text, { validateStream: false }) : (text: string) => text]),
  ) as Painter;
}

// eslint-disable-next-line no-control-regex -- SGR escape sequences are what this strips
const ANSI = /\x1b\[[0-9;]*m/g;

/** `text` without colour escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Where a command writes: event lines on stdout, diagnostics on stderr, and, when both are a
 * terminal, one status line at the bottom of stderr that is erased before every other write and
 * at the end. Piped output never gets the status line or any cursor movement.
 */
export class Output {
  /** Colours for stdout. */
  readonly out: Painter;
  /** Colours for stderr. */
  readonly err: Painter;
  /** True when stdout and stderr are both terminals: the live view (status line, progress in place). */
  readonly live: boolean;
  readonly #stdout: Sink;
  readonly #stderr: Sink;
  #status: string | undefined;

  /**
   * @param stdout - where event lines go. @defaultValue `process.stdout`
   * @param stderr - where diagnostics go. @defaultValue `process.stderr`
   */
  constructor(stdout: Sink = process.stdout, stderr: Sink = process.stderr, env: NodeJS.ProcessEnv = process.env) {
    this.#stdout = stdout;
    this.#stderr = stderr;
    this.out = painter(colorEnabled(stdout, env));
    this.err = painter(colorEnabled(stderr, env));
    this.live = stdout.isTTY === true && stderr.isTTY === true;
  }

  /** Writes one line to stdout. */
  line(text: string): void {
    this.#around(() => this.#stdout.write(`${text}\n`));
  }

  /** Writes bytes to stdout as they are (`--raw`). */
  bytes(chunk: Uint8Array): void {
    this.#around(() => this.#stdout.write(chunk));
  }

  /** Writes one diagnostic line to stderr. */
  diag(text: string): void {
    this.#around(() => this.#stderr.write(`${text}\n`));
  }

  /** Sets the status line (live view only; ignored when piped). */
  status(text: string): void {
    if (!this.live) return;
    this.#erase();
    const width = Math.max(20, (this.#stderr.columns ?? 80) - 1);
    // Never wider than the terminal: a wrapped line could not be erased with one \r.
    const plain = [...stripAnsi(text)];
    this.#status = plain.length > width ? `${plain.slice(0, width - 1).join('')}…` : text;
    this.#draw();
  }

  /** Erases the status line for good (until the next {@link Output.status}). */
  clearStatus(): void {
    this.#erase();
    this.#status = undefined;
  }

  #around(write: () => void): void {
    this.#erase();
    write();
    this.#draw();
  }

  #erase(): void {
    if (this.#status !== undefined) this.#stderr.write('\r\x1b[2K');
  }

  #draw(): void {
    if (this.#status !== undefined) this.#stderr.write(this.err.dim(this.#status));
  }
}

/** `HH:MM:SS` of a date, in local time (set `TZ=UTC` for UTC). */
export function clock(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** A parsed ISO 8601 timestamp, or `undefined` when `value` is not one. */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // Python's isoformat() + "Z" (an offset and a Z) is not Date-parseable: drop the Z.
  const date = new Date(/[+-]\d\d:\d\dZ$/.test(value) ? value.slice(0, -1) : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A duration in ms as seconds: `45.2s`, `0.62s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

/** A byte count: `512 B`, `3.4 kB`, `1.2 MB`. */
export function bytes(count: number): string {
  if (count < 1000) return `${count} B`;
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)} kB`;
  return `${(count / 1_000_000).toFixed(1)} MB`;
}

/** A progress bar for `percent` (0–100): `[██████████░░░░░░░░░░]  50%`. */
export function progressBar(percent: number, width = 20): string {
  const value = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const filled = Math.round((value / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(value)).padStart(3)}%`;
}

/** A value as one short line: strings as they are, others as JSON, cut at `max` characters. */
export function short(value: unknown, max = 100): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const chars = [...text.replace(/\s*\n\s*/g, ' ')];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** `value[key]` when `value` is an object, else `undefined`. */
export function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/** `value[key]` when it is a string (or a number, as text), else `undefined`. */
export function text(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' ? found : typeof found === 'number' ? String(found) : undefined;
}

/**
 * A run's duration, measured, never copied: from the events' own timestamps when the start and
 * the end carry them (`in 45.2s`); from the start to the last timestamped event when the end
 * carries none (`in ≥45.0s by event timestamps`); else the wall clock of this watch
 * (`in 0.62s watched`). A duration the server reports is appended, labelled as the server's.
 *
 * @param serverMs - the server's own figure (e.g. `duration_ms`), in ms.
 */
export function duration(times: { start?: Date | undefined; end?: Date | undefined; last?: Date | undefined; watched?: number | undefined }, serverMs?: unknown): string {
  const { start, end, last, watched } = times;
  let measured: string;
  if (start && end) measured = `in ${seconds(end.getTime() - start.getTime())}`;
  else if (start && last && last > start) measured = `in ≥${seconds(last.getTime() - start.getTime())} by event timestamps`;
  else measured = watched === undefined ? '' : `in ${seconds(watched)} watched`;
  const server = typeof serverMs === 'number' && Number.isFinite(serverMs) ? `server: ${seconds(serverMs)}` : '';
  return [measured, server].filter(Boolean).join(' · ');
}
