/**
 * Helpers for the CLI tests: the built bin (rebuilt once when older than src/), bounded child
 * processes, and a reference server per test file on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../src/testing/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli.js');
const BUILT = ['dist/cli.js', 'dist/index.js', 'dist/testing/index.js'].map((file) => join(ROOT, file));

/** Newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function stale(): boolean {
  const sources = Math.max(newest(join(ROOT, 'src')), statSync(join(ROOT, 'tsup.config.ts')).mtimeMs);
  return BUILT.some((file) => {
    try {
      return statSync(file).mtimeMs < sources;
    } catch {
      return true;
    }
  });
}

/**
 * Makes sure dist/ (the bin and the entries it imports) is at least as new as src/: builds it
 * with tsup when it is not, once, under a lock that the CLI test files share (they run in
 * parallel). The tests then run the bin exactly as an installed package does.
 */
export function ensureBuilt(): void {
  if (!stale()) return;
  const lock = join(ROOT, 'node_modules/.cache/runstream-cli-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`another CLI test build holds ${lock}; remove it if no build runs`);
      spawnSync('sleep', ['0.2']);
    }
  }
  try {
    if (!stale()) return;
    const build = spawnSync('npx', ['tsup', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (build.status !== 0) throw new Error(`dist/cli.js is older than src/ and \`npx tsup\` failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

/** Builds the bin (if stale) before the file's tests. */
export function useBuiltCli(): void {
  beforeAll(ensureBuilt, 150_000);
}

/** The environment of every child: no colour settings or runstream variables from outside, UTC. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(NO_COLOR|FORCE_COLOR|RUNSTREAM_|CREWSHIP_|FLOWMAESTRO_|SKILLS_|PRAISONAI_|STAX_)/.test(name)) env[name] = value;
  }
  return { ...env, TZ: 'UTC', ...extra };
}

/** What a finished child printed and how it exited. */
export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running child with helpers to wait for its output. */
export interface Running {
  child: ChildProcess;
  /** Resolves once `pattern` appears on stdout (or stderr); rejects at `ms`. */
  waitFor(pattern: RegExp, ms?: number, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Resolves when the child exits (killed with SIGKILL at the deadline given to {@link start}). */
  done: Promise<Result>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
}

/** Starts `node dist/cli.js …args`, killed with SIGKILL after `timeout` ms. */
export function start(args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number; input?: string } = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((out.stdout += chunk), waiters.forEach((wake) => wake())));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((out.stderr += chunk), waiters.forEach((wake) => wake())));
  child.stdin!.end(options.input ?? '');
  const timeout = options.timeout ?? 15_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeout);
  const done = new Promise<Result>((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`runstream ${args.join(' ')} still running after ${timeout} ms; stdout:\n${out.stdout}\nstderr:\n${out.stderr}`));
      else resolve({ code, ...out });
    });
  });
  const waitFor = (pattern: RegExp, ms = 10_000, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out[stream])) return;
        clearTimeout(limit);
        resolve();
      };
      const limit = setTimeout(() => reject(new Error(`${pattern} not on ${stream} within ${ms} ms:\n${out[stream]}`)), ms);
      waiters.push(check);
      check();
    });
  return { child, waitFor, done, output: () => ({ ...out }) };
}

/** Runs `node dist/cli.js …args` to its end (bounded by `timeout`). */
export function run(args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number; input?: string } = {}): Promise<Result> {
  return start(args, options).done;
}

/** A reference server for the file's tests; read `.server` inside tests. */
export function useServer(options: ReferenceServerOptions = {}): { server: ReferenceServer } {
  const setup = {} as { server: ReferenceServer };
  beforeAll(async () => {
    setup.server = await startReferenceServer({ host: '127.0.0.1', ...options });
  });
  afterAll(() => setup.server?.close());
  return setup;
}

/** The `--json` lines of stdout, parsed. */
export function jsonLines(stdout: string): { type: string; id: string; data: unknown }[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; id: string; data: unknown });
}

/** Polls `check` every 20 ms until it is true; rejects after `ms`. */
export async function until(check: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
