/**
 * PraisonAI async jobs, described once: events (documented and observed forms), terminal events
 * and their outcomes, keepalives, wire forms, routes, resume and resync rules (PraisonAI "Async
 * Jobs" and "Stream Run API").
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import { errorMessage } from '../../core/errors.js';
import type { OutcomeInfo } from '../../core/types.js';
import { definePlatform } from '../define.js';

/** A job's status ("Async Jobs", Status Values). */
export type PraisonAIJobStatus = 'queued' | 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Payloads of a job's stream events. PraisonAI documents unnamed envelopes
 * `data: {"event": …, "data": …}` (`progress`, `log`, `complete`) ending with `data: [DONE]`;
 * its server sends named events (`status`, `progress` with `step`, `result`, `error`,
 * `cancelled`) instead. Both arrive here under these names. `created` and `resync` are
 * runstream's own events (no server sends them).
 */
export interface PraisonAIEventMap {
  /**
   * runstream's event, from `jobs.start()` (and `jobs.run()`) only: the answer of
   * `POST /api/v1/runs`, delivered first, before the stream request is sent. `job_id` is the
   * job's id, for `jobs.cancel()`, `retrieve()`, `result()`.
   */
  created: PraisonAIJob;
  /** Progress; `percentage` from 0 to 100. The documented form names the step `current_step`, the server `step`. */
  progress: { percentage: number; current_step?: string; step?: string; [key: string]: unknown };
  /** A log line from the agent. */
  log: { message: string; [key: string]: unknown };
  /** Documented form: the job ended (succeeded, failed or cancelled). Terminal. */
  complete: { status: PraisonAIJobStatus; job_id: string; [key: string]: unknown };
  /** Server form: the job's status changed. */
  status: { status: PraisonAIJobStatus; job_id?: string; [key: string]: unknown };
  /** Server form: the job succeeded with this result. Terminal. */
  result: { result?: unknown; status?: PraisonAIJobStatus; job_id?: string; [key: string]: unknown };
  /** Server form: the job failed; the stream then fails with `StreamError` `'server-error-event'`. Terminal. */
  error: { error?: string; message?: string; job_id?: string; [key: string]: unknown };
  /** Server form: the job was cancelled. Terminal. */
  cancelled: { job_id?: string | undefined; status?: PraisonAIJobStatus | undefined; [key: string]: unknown };
  /** runstream's marker of a gap, with the job's state; see {@link PraisonAIJobResync}. */
  resync: PraisonAIJobResync;
}

/**
 * The `resync` event of a job stream. The documented form sends no ids, so after a dropped
 * connection the stream cannot say where it left off; and the server answers `400` once the job
 * finished. In both cases runstream asks `GET /api/v1/runs/{id}` (and `/result` when the job
 * succeeded) and delivers what it learnt here; a finished job then ends the stream with its
 * outcome.
 */
export interface PraisonAIJobResync {
  /** `'reconnected'`: the stream came back without `Last-Event-ID`; `'http-error'`: it answered 400 (job finished). */
  reason: 'reconnected' | 'http-error';
  /** The job's state (`GET /api/v1/runs/{id}`); `undefined` when it could not be fetched. */
  state: PraisonAIJobState | undefined;
  /** The job's result (`GET /api/v1/runs/{id}/result`), when it succeeded. */
  result?: PraisonAIJobResult | undefined;
  /** Whether the state could be fetched; `false`: what happened in the gap is unknown. */
  recovered: boolean;
}

/** A job stream event name. */
export type PraisonAIEventType = keyof PraisonAIEventMap;

/** Body of `POST /api/v1/runs` ("Submit Run API"). */
export interface PraisonAIJobCreateParams {
  /** The task for the agent. */
  prompt: string;
  /** Agent configuration file. */
  agent_file?: string | undefined;
  /** `praisonai`, `crewai`, `autogen`. */
  framework?: string | undefined;
  /** Execution limit, in seconds (PraisonAI's unit). */
  timeout?: number | undefined;
  /** URL the server POSTs the result to when the job completes. */
  webhook_url?: string | undefined;
  /** Groups related jobs. */
  session_id?: string | undefined;
  [key: string]: unknown;
}

/** Response of `POST /api/v1/runs` (202 Accepted). */
export interface PraisonAIJob {
  job_id: string;
  status: PraisonAIJobStatus;
  /** ISO 8601. */
  created_at?: string | undefined;
  poll_url?: string | undefined;
  stream_url?: string | undefined;
  [key: string]: unknown;
}

/** Response of `GET /api/v1/runs/{id}`. */
export interface PraisonAIJobState {
  job_id: string;
  status: PraisonAIJobStatus;
  /** Suggested wait before polling again, in seconds (PraisonAI's unit); `null` once finished. */
  retry_after?: number | null | undefined;
  [key: string]: unknown;
}

/**
 * Response of `GET /api/v1/runs/{id}/result`.
 *
 * @typeParam Result - the type of the agent's output, as your agent produces it (runstream does
 *   not check it).
 */
export interface PraisonAIJobResult<Result = unknown> {
  job_id: string;
  status: PraisonAIJobStatus;
  /** The agent's output. */
  result: Result;
  [key: string]: unknown;
}

/** How each terminal event maps to the outcome. */
const outcomes = { complete: 'by-data', result: 'by-data', error: 'failed', cancelled: 'cancelled' } as const;

/**
 * PraisonAI, described once. Documented: unnamed envelopes `data: {"event": …, "data": …}`
 * ending with `data: [DONE]`; observed: named events with ids, CRLF line endings, `: ping`
 * comments and `heartbeat` events. @internal
 */
export const praisonai = /* @__PURE__ */ definePlatform<PraisonAIEventMap>()({
  name: 'praisonai',
  title: 'PraisonAI',
  baseUrl: 'http://127.0.0.1:8005',
  baseUrlSource: 'its "Stream Run API" page (`API_URL`)',
  auth: 'none',
  idleTimeout: 'jobs',
  known: ['created', 'progress', 'log', 'complete', 'status', 'result', 'error', 'cancelled', 'resync'],
  terminal: ['complete', 'result', 'error', 'cancelled'],
  outcomes,
  keepalive: ['heartbeat'],
  keepaliveComments: ['ping'],
  envelope: { typeKey: 'event', dataKeys: ['data'] },
  endMarker: '[DONE]',
  lineEndings: ['\n', '\r\n'],
  // The observed server form sends ids; the documented form does not.
  ids: true,
  routes: {
    create: { method: 'POST', path: '/api/v1/runs' },
    retrieve: { method: 'GET', path: '/api/v1/runs/{jobId}' },
    result: { method: 'GET', path: '/api/v1/runs/{jobId}/result' },
    cancel: { method: 'POST', path: '/api/v1/runs/{jobId}/cancel' },
    stream: { method: 'GET', path: '/api/v1/runs/{jobId}/stream' },
  },
  resume: 'last-event-id',
  resync: 'rest-state',
  errorOf: (event) => (event.type === 'error' ? { message: errorMessage(event.data, 'job failed'), status: 'failed' } : undefined),
  outcomeOf: (event) => {
    const rule = outcomes[event.type as keyof typeof outcomes];
    return rule && jobOutcome(rule === 'by-data' ? (field(event.data, 'status') ?? 'succeeded') : rule, event.data);
  },
});

/** The statuses of a finished job. @internal */
export const FINISHED: ReadonlySet<string> = /* @__PURE__ */ new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The outcome of a job in `status` (PraisonAI's word, the outcome's `serverStatus`): succeeded, failed or cancelled; with the
 * failure's reason from `data` (a `complete` event's data or the job's state: its `error`).
 * @internal
 */
export function jobOutcome(status: string, data?: unknown): OutcomeInfo {
  const type = status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'completed';
  const message = type === 'completed' ? '' : errorMessage(data, '');
  return message ? { type, serverStatus: status, message } : { type, serverStatus: status };
}
