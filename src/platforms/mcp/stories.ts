/**
 * MCP's stories: the requests the reference server answers on `POST /mcp/:story` (each story is
 * an endpoint of its own, the `baseUrl` of an `MCP` client), as data. 2025-11-25 stories have a
 * priming event (an id, `retry:` and empty data) and ids `<story>_001`, …; a resume is
 * `GET /mcp/:story` with `Last-Event-ID`. The response's `id` and the progress token are the
 * request's: the server fills them in (`REQUEST_ID`, `PROGRESS_TOKEN`). Web APIs only.
 *
 * @module
 */
import type { ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

/** Stands for the request's JSON-RPC id in a story's response. @internal */
export const REQUEST_ID = '$request.id';
/** Stands for the request's `params._meta.progressToken`. @internal */
export const PROGRESS_TOKEN = '$request.progressToken';

const progress = (n: number, total: number, message: string) => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: PROGRESS_TOKEN, progress: n, total, message } });
const log = (level: string, data: unknown) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level, logger: 'report', data } });
const response = (result: Record<string, unknown>) => ({ jsonrpc: '2.0', id: REQUEST_ID, result });

/**
 * A story's steps: `event: message` blocks; with `ids`, a priming event first and an id on each
 * (2025-11-25 with an event store), without, none (2026-07-28).
 */
function steps(name: string, ids: boolean, messages: readonly unknown[]): ScriptStep[] {
  const blocks = messages.map((data, index): ScriptStep => (ids ? { event: 'message', data, id: `${name}_${String(index + 1).padStart(3, '0')}` } : { event: 'message', data }));
  return ids ? [{ id: `${name}_000`, retry: 1000, data: '' }, ...blocks] : blocks;
}

/** The protocol version a story is played in, from its name. @internal */
export function storyVersion(name: string): '2025-11-25' | '2026-07-28' {
  return name.endsWith('-2026') ? '2026-07-28' : '2025-11-25';
}

/**
 * One MCP story: a {@link Story} whose outcome may be `'interrupted'` (an `input_required`
 * result) and which may be cut after `cutAfter` events (the POST's stream ends there; the rest is
 * replayed to the GET resume). @internal
 */
export type MCPStory = Omit<Story, 'outcome'> & { outcome: Story['outcome'] | 'interrupted'; cutAfter?: number };

function story(name: string, outcome: MCPStory['outcome'], messages: readonly unknown[], cutAfter?: number): MCPStory {
  const ids = storyVersion(name) === '2025-11-25';
  return {
    name,
    route: `POST /mcp/${name}`,
    body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'report', arguments: { days: 7 } } },
    outcome,
    connection: { steps: steps(name, ids, messages), resume: ids },
    ...(cutAfter === undefined ? {} : { cutAfter }),
  };
}

const REPORT = [
  progress(1, 3, 'fetching'),
  log('info', 'fetched 1 240 rows'),
  progress(2, 3, 'aggregating'),
  progress(3, 3, 'rendering'),
  response({ content: [{ type: 'text', text: 'Weekly report: 1 240 rows, 3 anomalies ✓' }] }),
];

/**
 * MCP's stories, by endpoint: `report` (2025-11-25, completed), `report-2026` (2026-07-28,
 * completed, `resultType: 'complete'`), `boom` (a tool error, `isError: true`), `missing` (a
 * JSON-RPC error inside the 200 stream), `confirm-2026` (`resultType: 'input_required'`),
 * `cut` (2025-11-25: the POST's stream ends after two events; the GET resume replays the rest).
 */
export const mcpStories: readonly MCPStory[] = [
  story('report', 'completed', REPORT),
  story('report-2026', 'completed', [
    progress(1, 2, 'fetching'),
    progress(2, 2, 'rendering'),
    response({ resultType: 'complete', content: [{ type: 'text', text: 'Weekly report: 1 240 rows' }] }),
  ]),
  story('boom', 'failed', [progress(1, 3, 'fetching'), response({ content: [{ type: 'text', text: 'upstream database unavailable' }], isError: true })]),
  story('missing', 'failed', [{ jsonrpc: '2.0', id: REQUEST_ID, error: { code: -32601, message: 'Method not found' } }]),
  story('confirm-2026', 'interrupted', [
    progress(1, 2, 'planning'),
    response({ resultType: 'input_required', inputRequests: { confirm: { method: 'elicitation/create', params: { message: 'Deploy to production?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } } }),
  ]),
  story('cut', 'completed', REPORT, 2),
];
