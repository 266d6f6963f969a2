/**
 * One client per platform: each talks to its platform's documented URL with its documented auth,
 * and offers only its own resource.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { Crewship, FlowMaestro, PraisonAI, SkillsEngine, Stax } from '../../src/index.js';
import { server, useMsw } from '../helpers/msw.js';
import { collect, frame, frames, sseResponse } from '../helpers/sse.js';
import { RequestLog } from './support.js';

useMsw();

const KEY = 'sk-test-secret';

/** Serves `url` with an SSE body of `list` and records the requests. */
function serve(method: 'get' | 'post', url: string, body: string): RequestLog {
  const log = new RequestLog();
  server.use(
    http[method](url, async ({ request }) => {
      await log.take(request);
      return sseResponse([body]);
    }),
  );
  return log;
}

describe('platform clients', () => {
  it('Crewship streams from https://api.crewship.dev with Bearer auth, and has only runs', async () => {
    const log = serve('get', 'https://api.crewship.dev/v1/runs/run_abc123/events', frame({ event: 'run.completed', id: 'evt_1', data: { run_id: 'run_abc123', duration_ms: 5, result: null } }));
    const crewship = new Crewship({ apiKey: KEY });
    expect(crewship.baseUrl).toBe('https://api.crewship.dev');
    expect(Object.keys(crewship).sort()).toEqual(['baseUrl', 'runs']);
    const events = await collect(crewship.runs.stream('run_abc123'));
    expect(events.map((event) => event.type)).toEqual(['run.completed']);
    expect(log.only().headers.get('authorization')).toBe(`Bearer ${KEY}`);
  });

  it('FlowMaestro streams from https://api.flowmaestro.ai with X-API-Key', async () => {
    const log = serve('get', 'https://api.flowmaestro.ai/v1/executions/exec_xyz789/events', frame({ event: 'execution:completed', data: { status: 'completed' } }));
    const flow = new FlowMaestro({ apiKey: KEY });
    expect(Object.keys(flow).sort()).toEqual(['baseUrl', 'executions']);
    expect((await collect(flow.executions.streamIterator('exec_xyz789'))).map((event) => event.type)).toEqual(['execution:completed']);
    expect(log.only().headers.get('x-api-key')).toBe(KEY);
  });

  it('PraisonAI talks to its local server http://127.0.0.1:8005 without a key', async () => {
    const log = new RequestLog();
    server.use(
      http.get('http://127.0.0.1:8005/api/v1/runs/run_abc123', async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'run_abc123', status: 'running' });
      }),
    );
    const praison = new PraisonAI({ apiKey: KEY });
    expect(Object.keys(praison).sort()).toEqual(['baseUrl', 'jobs']);
    expect(await praison.jobs.retrieve('run_abc123')).toEqual({ job_id: 'run_abc123', status: 'running' });
    // The documented PraisonAI API has no auth: a key meant for another platform is not sent.
    expect(log.only().headers.get('authorization')).toBeNull();
  });

  it('SkillsEngine posts to http://localhost:8080 with x-api-key', async () => {
    const log = serve('post', 'http://localhost:8080/v1/skills/my.skill/execute/stream', frame({ event: 'done', data: { skill_id: 'my.skill', status: 'completed', outputs: {} } }));
    const engine = new SkillsEngine({ apiKey: KEY });
    expect(Object.keys(engine).sort()).toEqual(['baseUrl', 'skills']);
    expect((await collect(engine.skills.start('my.skill', { inputs: { text: 'hi' } }))).map((event) => event.type)).toEqual(['done']);
    expect(log.only().headers.get('x-api-key')).toBe(KEY);
  });

  it('Stax follows a run on http://localhost:4800', async () => {
    serve(
      'get',
      'http://localhost:4800/api/events',
      frames([{ event: 'ping', data: {} }, { event: 'run.completed', data: { runId: 'a1', run: { status: 'completed' } } }]),
    );
    server.use(http.get('http://localhost:4800/api/runs/a1', () => HttpResponse.json({ id: 'a1', status: 'in_progress' })));
    const stax = new Stax();
    expect(Object.keys(stax).sort()).toEqual(['baseUrl', 'runner']);
    expect((await collect(stax.runner.stream('a1'))).map((event) => event.type)).toEqual(['resync', 'run.completed']);
  });

  it('takes another baseUrl, and rejects a bad one as Runstream does', () => {
    expect(new Crewship({ baseUrl: 'http://127.0.0.1:4800/' }).baseUrl).toBe('http://127.0.0.1:4800');
    expect(() => new Stax({ baseUrl: 'localhost:4800' })).toThrow(TypeError);
  });
});

describe('runs.stream({ types }) yields what was asked for', () => {
  it('keeps unrequested fallback events out of the iterator, and still ends at them', async () => {
    const log = serve(
      'get',
      'https://api.crewship.dev/v1/runs/run_abc123/events',
      frames([
        { event: 'agent.started', id: '1', data: { agent: 'Researcher', task: 't' } },
        { event: 'complete', id: '2', data: { status: 'completed' } },
      ]),
    );
    const events = await collect(new Crewship().runs.stream('run_abc123', { types: ['agent.started'] }));
    expect(events.map((event) => event.type)).toEqual(['agent.started']);
    expect(log.only().url.searchParams.get('types')).toBe('agent.started,run.completed,run.failed,run.canceled');
  });
});
