/**
 * FlowMaestro's stories: the executions the reference server plays on
 * `GET /v1/executions/:id/events` (and `/api/v1/…`) and `platformScripts()` scripts, as data:
 * named events, camelCase payloads, no ids, `connected` then a `: keepalive` comment at once.
 * Web APIs only.
 *
 * @module
 */
import type { ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

type Step = readonly [event: string, data: Record<string, unknown>];

const node = (nodeId: string, nodeType: string, startedAt: string): Step => ['node:started', { nodeId, nodeType, startedAt }];
const progress = (value: number, currentNode: string): Step => ['execution:progress', { progress: value, currentNode }];

/** An execution: `connected`, a `: keepalive` comment, `execution:started`, then `steps`. */
function story(name: string, outcome: Story['outcome'], startedAt: string, steps: readonly Step[]): Story {
  const frames: ScriptStep[] = [
    { event: 'connected', data: { executionId: name } },
    { comment: 'keepalive' },
    { event: 'execution:started', data: { executionId: name, startedAt } },
    ...steps.map(([event, data]) => ({ event, data })),
  ];
  return { name, route: `GET /v1/executions/${name}/events`, outcome, connection: { steps: frames } };
}

/** FlowMaestro's executions, by id: `exec_xyz789` (completes), `exec_failed`, `exec_cancelled`. */
export const flowmaestroStories: readonly Story[] = [
  story('exec_xyz789', 'completed', '2024-01-15T10:30:00.000Z', [
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
    ['execution:completed', { executionId: 'exec_xyz789', status: 'completed', outputs: { summary: 'Résumé: 3 key points…', wordCount: 128 } }],
  ]),
  story('exec_failed', 'failed', '2024-01-15T11:00:00.000Z', [
    node('node_1', 'ai_chat', '2024-01-15T11:00:00.040Z'),
    progress(50, 'node_1'),
    ['node:completed', { nodeId: 'node_1', outputs: { text: 'ok' }, durationMs: 800 }],
    node('node_2', 'http_request', '2024-01-15T11:00:00.850Z'),
    ['node:failed', { nodeId: 'node_2', error: 'HTTP 503 from https://example.com/api' }],
    ['execution:failed', { executionId: 'exec_failed', status: 'failed', error: 'Node node_2 failed: HTTP 503 from https://example.com/api' }],
  ]),
  story('exec_cancelled', 'cancelled', '2024-01-15T12:00:00.000Z', [
    node('node_1', 'ai_chat', '2024-01-15T12:00:00.030Z'),
    progress(25, 'node_1'),
    ['execution:cancelled', { executionId: 'exec_cancelled', status: 'cancelled' }],
  ]),
];
