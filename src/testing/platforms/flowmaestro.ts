/**
 * FlowMaestro: `GET /api/v1/executions/:id/events` and `GET /v1/executions/:id/events` with
 * `X-API-Key`, camelCase payloads, `: keepalive` comments and no ids.
 *
 * @module
 */
import { errorBody, play, type RequestContext, type Route } from '../context.js';
import type { SseEntry } from '../sse.js';

type Step = readonly [event: string, data: Record<string, unknown>];

const KEEPALIVE: SseEntry = { comment: 'keepalive' };

function node(nodeId: string, nodeType: string, startedAt: string): Step {
  return ['node:started', { nodeId, nodeType, startedAt }];
}

function progress(value: number, currentNode: string): Step {
  return ['execution:progress', { progress: value, currentNode }];
}

/** The opening every execution shares: `connected`, then a keepalive comment at once. */
function opening(executionId: string, startedAt: string): Step[] {
  return [
    ['connected', { executionId }],
    ['execution:started', { executionId, startedAt }],
  ];
}

/** The executions the server knows, by id. */
const EXECUTIONS: Readonly<Record<string, readonly Step[]>> = {
  exec_xyz789: [
    ...opening('exec_xyz789', '2024-01-15T10:30:00.000Z'),
    node('node_1', 'ai_chat', '2024-01-15T10:30:00.050Z'),
    progress(25, 'node_1'),
    ['node:completed', { nodeId: 'node_1', outputs: { text: 'Résumé: 3 key points…' }, durationMs: 1200 }],
    node('node_2', 'http_request', '2024-01-15T10:30:01.260Z'),
    progress(50, 'node_2'),
    ['node:completed', { nodeId: 'node_2', outputs: { status: 200 }, durationMs: 340 }],
    node('node_3', 'transform', '2024-01-15T10:30:01.610Z'),
    progress(75, 'node_3'),
    ['node:completed', { nodeId: 'node_3', outputs: { wordCount: 128 }, durationMs: 15 }],
    progress(100, 'node_3'),
    [
      'execution:completed',
      { executionId: 'exec_xyz789', status: 'completed', outputs: { summary: 'Résumé: 3 key points…', wordCount: 128 } },
    ],
  ],
  exec_failed: [
    ...opening('exec_failed', '2024-01-15T11:00:00.000Z'),
    node('node_1', 'ai_chat', '2024-01-15T11:00:00.040Z'),
    progress(50, 'node_1'),
    ['node:completed', { nodeId: 'node_1', outputs: { text: 'ok' }, durationMs: 800 }],
    node('node_2', 'http_request', '2024-01-15T11:00:00.850Z'),
    ['node:failed', { nodeId: 'node_2', error: 'HTTP 503 from https://example.com/api' }],
    ['execution:failed', { executionId: 'exec_failed', status: 'failed', error: 'Node node_2 failed: HTTP 503 from https://example.com/api' }],
  ],
  exec_cancelled: [
    ...opening('exec_cancelled', '2024-01-15T12:00:00.000Z'),
    node('node_1', 'ai_chat', '2024-01-15T12:00:00.030Z'),
    progress(25, 'node_1'),
    ['execution:cancelled', { executionId: 'exec_cancelled', status: 'cancelled' }],
  ],
};

/** The FlowMaestro routes of one server (both prefixes its docs use). @internal */
export function flowmaestroRoutes(): Route[] {
  const executions = new Map(
    Object.entries(EXECUTIONS).map(([id, steps]) => {
      const entries: SseEntry[] = steps.map(([event, data]) => ({ event, data }));
      entries.splice(1, 0, KEEPALIVE);
      return [id, entries] as const;
    }),
  );

  function stream(ctx: RequestContext): void {
    if (ctx.header('x-api-key') !== ctx.core.settings.apiKey) {
      ctx.json(401, errorBody('UNAUTHORIZED', 'Invalid or missing API key; send X-API-Key'));
      return;
    }
    const executionId = ctx.params.id!;
    const entries = executions.get(executionId);
    if (!entries) {
      ctx.json(404, errorBody('NOT_FOUND', `Execution ${executionId} not found`));
      return;
    }
    const channel = ctx.sse();
    ctx.core.timers.every(ctx.core.settings.keepaliveInterval, channel.signal, () => channel.send(KEEPALIVE));
    void play(ctx, channel, entries);
  }

  return [
    { method: 'GET', pattern: '/api/v1/executions/:id/events', handler: stream },
    { method: 'GET', pattern: '/v1/executions/:id/events', handler: stream },
  ];
}
