/**
 * A2A's stories: the tasks the reference server plays on its A2A routes (JSON-RPC `POST /a2a`,
 * HTTP+JSON `POST /a2a/message:stream` and `GET /a2a/tasks/{id}:subscribe`), as data. The
 * message's text picks the story; each event is a `StreamResponse` (A2A v1.0). Web APIs only.
 *
 * @module
 */
import type { A2ATaskState } from './definition.js';

/** One scripted A2A task. @internal */
export interface A2AStory {
  /** The task id it plays under, e.g. `'task_completed'`. */
  readonly name: string;
  /** The word in the user's text that picks it (`'hello'` is also the default). */
  readonly trigger: string;
  /** How the stream ends, as `stream.outcome.type`. */
  readonly outcome: 'completed' | 'failed' | 'interrupted';
  /** The `StreamResponse`s of the message stream, in order. */
  readonly events: readonly Record<string, unknown>[];
  /** After the events: a JSON-RPC error sent as `event: error` (code, message, reason). */
  readonly error?: { code: number; message: string; reason: string; httpStatus: number; status: string } | undefined;
  /** The socket is cut after the events; a re-subscribe gets `resubscribe`. */
  readonly cut?: boolean | undefined;
  /** What `SubscribeToTask` streams: the snapshot first (A2A v1.0 §3.1.6), then the live updates. */
  readonly resubscribe?: readonly Record<string, unknown>[] | undefined;
}

const CONTEXT = 'ctx_demo';
const TIME = '2026-12-07T10:00:00.000Z';

function agentMessage(taskId: string, text: string): Record<string, unknown> {
  return { messageId: `${taskId}_${text.length}`, contextId: CONTEXT, taskId, role: 'ROLE_AGENT', parts: [{ text }] };
}

function status(taskId: string, state: A2ATaskState, text?: string): Record<string, unknown> {
  return { state, timestamp: TIME, ...(text ? { message: agentMessage(taskId, text) } : {}) };
}

function task(taskId: string, state: A2ATaskState, text?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { task: { id: taskId, contextId: CONTEXT, status: status(taskId, state, text), ...extra } };
}

function update(taskId: string, state: A2ATaskState, text?: string): Record<string, unknown> {
  return { statusUpdate: { taskId, contextId: CONTEXT, status: status(taskId, state, text) } };
}

function chunk(taskId: string, text: string, append: boolean, lastChunk: boolean): Record<string, unknown> {
  return { artifactUpdate: { taskId, contextId: CONTEXT, artifact: { artifactId: 'report', ...(append ? {} : { name: 'report' }), parts: [{ text }] }, append, lastChunk } };
}

/** The artifact and the end of a completed task. */
function finish(taskId: string): Record<string, unknown>[] {
  return [chunk(taskId, 'Hello ', false, false), chunk(taskId, 'world', true, true), update(taskId, 'TASK_STATE_COMPLETED')];
}

/** A2A's tasks: completed, failed, interrupted, an error inside the stream, a cut that a re-subscribe recovers. @internal */
export const a2aStories: readonly A2AStory[] = [
  {
    name: 'task_completed',
    trigger: 'hello',
    outcome: 'completed',
    events: [task('task_completed', 'TASK_STATE_SUBMITTED'), update('task_completed', 'TASK_STATE_WORKING', 'working on it'), ...finish('task_completed')],
  },
  {
    name: 'task_failed',
    trigger: 'fail',
    outcome: 'failed',
    events: [task('task_failed', 'TASK_STATE_SUBMITTED'), update('task_failed', 'TASK_STATE_WORKING', 'working on it'), update('task_failed', 'TASK_STATE_FAILED', 'could not do it')],
  },
  {
    name: 'task_input',
    trigger: 'input',
    outcome: 'interrupted',
    events: [task('task_input', 'TASK_STATE_SUBMITTED'), update('task_input', 'TASK_STATE_WORKING', 'working on it'), update('task_input', 'TASK_STATE_INPUT_REQUIRED', 'which city?')],
  },
  {
    name: 'task_error',
    trigger: 'error',
    outcome: 'failed',
    events: [task('task_error', 'TASK_STATE_SUBMITTED'), update('task_error', 'TASK_STATE_WORKING', 'working on it')],
    error: { code: -32603, message: 'the task store is unavailable', reason: 'INTERNAL_ERROR', httpStatus: 500, status: 'INTERNAL' },
  },
  {
    name: 'task_cut',
    trigger: 'cut',
    outcome: 'completed',
    events: [task('task_cut', 'TASK_STATE_SUBMITTED'), update('task_cut', 'TASK_STATE_WORKING', 'step 1')],
    cut: true,
    // While the client was away the agent reached "step 2": the snapshot says so, then the rest.
    resubscribe: [task('task_cut', 'TASK_STATE_WORKING', 'step 2'), ...finish('task_cut')],
  },
];
