/// <reference types="node" />
/**
 * The stax runner (no auth): `GET /api/events`, a never-ending multicast of every run's events
 * with `ping` keepalives, and `POST /api/runs` to start a scripted run.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { errorBody, type Core, type RequestContext, type Route } from '../context.js';
import type { SseChannel, SseEntry } from '../sse.js';

/** The scripted workflow: one job, `build`, with these steps and their output lines. */
const STEPS: readonly { name: string; lines: readonly string[] }[] = [
  { name: 'Checkout', lines: ['Workspace already available\n'] },
  { name: 'Install', lines: ['$ npm ci\n', 'added 312 packages in 4s\n'] },
  { name: 'Test', lines: ['$ npm test\n', '✓ 42 tests passed (1.2 s)\n', 'Done — no failures\n'] },
];
const JOB_ID = 'build';

const PING: SseEntry = { event: 'ping', data: {}, keepalive: true };

/** The events of one run, in order (the seed's payloads; `run.completed` has no `run.id`). */
function runEvents(runId: string): SseEntry[] {
  const events: SseEntry[] = [
    { event: 'run.started', data: { runId, run: { id: runId, status: 'in_progress', jobs: [] } } },
    { event: 'job.started', data: { runId, jobId: JOB_ID, job: { name: JOB_ID, steps: [] } } },
  ];
  STEPS.forEach((step, index) => {
    const stepNumber = index + 1;
    const base = { runId, jobId: JOB_ID, stepNumber };
    events.push({ event: 'step.started', data: { ...base, step: { name: step.name } } });
    for (const line of step.lines) events.push({ event: 'step.log', data: { ...base, line } });
    events.push({ event: 'step.completed', data: { ...base, step: { conclusion: 'success' } } });
  });
  events.push(
    { event: 'job.completed', data: { runId, jobId: JOB_ID, job: { conclusion: 'success' } } },
    { event: 'run.completed', data: { runId, run: { status: 'completed', conclusion: 'success' } } },
  );
  return events;
}

/** The stax runner of one server: its routes and `startRun`. @internal */
export function staxRunner(core: Core): { routes: Route[]; startRun(runId?: string): string } {
  const subscribers = new Set<SseChannel>();
  const active = new Set<string>();

  function broadcast(entry: SseEntry): void {
    for (const channel of subscribers) channel.send(entry);
  }

  function startRun(runId: string = randomBytes(4).toString('hex')): string {
    if (typeof runId !== 'string' || !/^[\w.-]{1,64}$/.test(runId)) {
      throw new TypeError('staxStartRun: a runId is 1 to 64 letters, digits, `_`, `.` or `-`');
    }
    if (active.has(runId)) throw new Error(`staxStartRun: run ${runId} is already running`);
    active.add(runId);
    const events = runEvents(runId);
    let index = 0;
    const next = () => {
      broadcast(events[index++]!);
      if (index < events.length) core.timers.later(core.settings.eventDelay, next);
      else active.delete(runId);
    };
    core.timers.later(core.settings.eventDelay, next);
    return runId;
  }

  function events(ctx: RequestContext): void {
    const channel = ctx.sse();
    subscribers.add(channel);
    channel.signal.addEventListener('abort', () => subscribers.delete(channel), { once: true });
    channel.send(PING);
    core.timers.every(core.settings.keepaliveInterval, channel.signal, () => channel.send(PING));
  }

  function start(ctx: RequestContext): void {
    const runId = (ctx.body as { runId?: unknown } | undefined)?.runId;
    if (runId !== undefined && (typeof runId !== 'string' || !/^[\w.-]{1,64}$/.test(runId))) {
      ctx.json(400, errorBody('invalid_run_id', 'runId must be 1 to 64 letters, digits, `_`, `.` or `-`'));
      return;
    }
    if (typeof runId === 'string' && active.has(runId)) {
      ctx.json(409, errorBody('run_exists', `Run ${runId} is already running`));
      return;
    }
    ctx.json(202, { runId: startRun(runId) });
  }

  return {
    routes: [
      { method: 'GET', pattern: '/api/events', handler: events },
      { method: 'POST', pattern: '/api/runs', handler: start },
    ],
    startRun,
  };
}
