/**
 * runstream/testing/msw: POST and GET SSE handlers that stream (no msw `sse()`), and the
 * platform handler set in one line, under `onUnhandledRequest: 'error'`.
 */
import { describe, expect, it } from 'vitest';
import { Runstream, SkillsEngine, StreamError } from '../../src/index.js';
import { collectEvents } from '../../src/testing/index.js';
import { platformHandlers, sseHandler } from '../../src/testing/msw.js';
import { BASE, server, useMsw } from '../helpers/msw.js';

useMsw();

describe('sseHandler', () => {
  it('streams the skills engine end to end over POST, recording the body with the key redacted', async () => {
    const handler = sseHandler('post', `${BASE}/v1/skills/summarize/execute/stream`, [
      { event: 'skill_start', data: { type: 'skill_start', message: 'Starting', timestamp: '2026-11-21T09:32:41.880357+00:00Z', step_id: null, trace_id: 't1', data: null } },
      { wait: 5 },
      { event: 'step_completed', data: { type: 'step_completed', message: 'Done', timestamp: '2026-11-21T09:32:42.880357+00:00Z', step_id: 'analyze', trace_id: 't1', data: { produced_output: { summary: 'ok' } } } },
      { event: 'done', data: { skill_id: 'summarize', status: 'completed', outputs: { result: 'ok' }, trace_id: 't1' } },
    ]);
    server.use(handler);
    const skills = new SkillsEngine({ baseUrl: BASE, apiKey: 'sk-secret' });
    const stream = skills.skills.start('summarize', { inputs: { text: 'Hello' } });
    const { events, outcome, error } = await collectEvents(stream);

    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['skill_start', 'step_completed', 'done']);
    expect(outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
    const [request, ...more] = handler.requests;
    expect(more).toEqual([]);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/skills/summarize/execute/stream', headers: { 'x-api-key': '***', accept: 'text/event-stream' } });
    expect(JSON.parse(request!.body)).toEqual({ inputs: { text: 'Hello' } });
  });

  it('streams a GET, the body written step by step', async () => {
    server.use(sseHandler('get', `${BASE}/v1/runs/:id/events`, [{ event: 'run.started', id: 'evt_1', data: { run_id: 'r' } }, { event: 'run.completed', id: 'evt_2', data: { run_id: 'r' } }]));
    const client = new Runstream({ baseUrl: BASE, apiKey: 'k' });
    const { events, outcome } = await collectEvents(client.runs.stream('r'));
    expect(events.map((event) => event.id)).toEqual(['evt_1', 'evt_2']);
    expect(outcome?.type).toBe('completed');
  });
});

describe('platformHandlers', () => {
  it('adds every platform in one line', async () => {
    server.use(...platformHandlers(BASE));
    const client = new Runstream({ baseUrl: BASE, apiKey: 'k', reconnect: { sleep: () => Promise.resolve() } });

    const failed = await collectEvents(client.skills.start('failing.skill', { inputs: {} }));
    expect(failed.events.map((event) => event.type)).toEqual(['skill_start', 'step_start', 'step_failed', 'skill_completed', 'done']);
    expect(failed.error).toBeInstanceOf(StreamError);
    expect(failed.error).toMatchObject({ code: 'server-error-event', serverCode: 'STEP_FAILED', traceId: '0b6f3c1e-9a57-4d8e-b1a2-6f0d3c9e4b21' });

    const run = await collectEvents(client.runs.stream('run_failed'));
    expect(run.outcome).toMatchObject({ type: 'failed', message: 'Agent Researcher failed: Tool web_search failed 3 times' });

    expect(await client.jobs.run<string>({ prompt: 'Analyze quarterly sales data' })).toContain('Analysis complete');
    const stax = await collectEvents(client.runner.start({ workflow: 'build' }));
    expect(stax.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
    expect(await client.skills.execute('my.skill', { inputs: { text: 'Hello world' } })).toMatchObject({ status: 'completed' });
  });

  it('can be limited to some platforms; the rest stays unhandled', async () => {
    server.use(...platformHandlers(BASE, ['crewship']));
    const client = new Runstream({ baseUrl: BASE, apiKey: 'k', reconnect: false });
    expect((await collectEvents(client.runs.stream('run_abc123'))).outcome?.type).toBe('completed');
    const { error } = await collectEvents(client.executions.stream('exec_xyz789'));
    expect(error).toBeDefined();
  });
});
