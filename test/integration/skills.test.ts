import { describe, expect, it } from 'vitest';
import { HTTPError, StreamError, parseSkillTimestamp, type SkillExecuteParams } from '../../src/index.js';
import { API_KEY, budget, collect, collectUntilError, rejection, typesOf, watch, useReferenceServer } from './support.js';

const ref = useReferenceServer({}, { apiKey: API_KEY });

describe('skills engine over a real socket', () => {
  it('POSTs the inputs and streams engine events ending with done', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.skills.start('my.skill', { inputs: { text: 'Hello world' } }, { signal: budget() }));

    expect(typesOf(events)).toEqual(['skill_start', 'step_start', 'step_completed', 'step_start', 'step_skipped', 'skill_completed', 'done']);
    const done = events.at(-1)!;
    if (done.type !== 'done') throw new Error('the last event is not done');
    expect(done.data).toMatchObject({ skill_id: 'my.skill', status: 'completed', outputs: { length: 11, result: expect.stringContaining('Hello world') } });
    // Every engine event repeats its SSE name in `type` and shares the execution's trace id.
    for (const event of events.slice(0, -1)) {
      expect(event.data).toMatchObject({ type: event.type, trace_id: done.data.trace_id, timestamp: expect.stringMatching(/Z$/) });
    }
    const completed = events[2]!;
    if (completed.type !== 'step_completed') throw new Error('expected step_completed');
    expect(completed.data.step_id).toBe('analyze');
    expect(completed.data.data?.produced_output).toEqual({ summary: '11 characters: “Hello world”' });

    const [request, ...more] = log.requests('/v1/skills/my.skill/execute/stream');
    expect(more).toHaveLength(0);
    expect(request).toMatchObject({
      method: 'POST',
      body: { inputs: { text: 'Hello world' } },
      headers: { 'x-api-key': '***', 'content-type': 'application/json', accept: 'text/event-stream' },
    });
  });

  it('returns the same result from execute()', async () => {
    const result = await ref.client.skills.execute('my.skill', { inputs: { text: 'Grüße 👋' } });
    expect(result).toMatchObject({ skill_id: 'my.skill', status: 'completed', outputs: { length: 7 }, trace_id: expect.any(String) });
    expect(result.outputs!.result).toContain('Grüße 👋');
  });

  it('fails failing.skill with StreamError carrying the trace id, after step_failed and done', async () => {
    const { items, error } = await collectUntilError(ref.client.skills.start('failing.skill', { inputs: {} }, { signal: budget() }));

    expect(typesOf(items)).toEqual(['skill_start', 'step_start', 'step_failed', 'skill_completed', 'done']);
    // The engine's error done: only `error`, and a null trace_id.
    const done = items.at(-1)!.data as { trace_id: string | null; error: { code: string; status: number } };
    expect(done.trace_id).toBeNull();
    expect(done.error).toMatchObject({ code: 'STEP_FAILED', status: 500 });
    const earlier = (items[0]!.data as { trace_id: string }).trace_id;
    expect(earlier).toMatch(/^[0-9a-f-]{36}$/);
    expect(error).toBeInstanceOf(StreamError);
    // The fields come from the done, the trace id from the events before it.
    expect(error).toMatchObject({
      code: 'server-error-event',
      event: 'done',
      serverCode: 'STEP_FAILED',
      status: 500,
      outcome: 'failed',
      traceId: earlier,
      message: expect.stringContaining("Step 'fetch' failed"),
    });
  });

  it('fails an unknown skill, a 200 stream with only an error done, with its 404 inside', async () => {
    const { items, error } = await collectUntilError(ref.client.skills.start('no.such.skill', { inputs: {} }, { signal: budget() }));
    expect(typesOf(items)).toEqual(['done']);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: 'SKILL_NOT_FOUND', status: 404, outcome: 'failed' });
  });

  it('sends engine timestamps that new Date() rejects and parseSkillTimestamp reads', async () => {
    const events = await collect(ref.client.skills.start('my.skill', { inputs: { text: 'hi' } }, { signal: budget() }));
    const stamp = (events[0]!.data as { timestamp: string }).timestamp;
    expect(stamp).toMatch(/\+00:00Z$/);
    expect(Number.isNaN(new Date(stamp).getTime())).toBe(true);
    expect(Math.abs(parseSkillTimestamp(stamp)!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("fails execute() of failing.skill with StreamError carrying the engine's code and status", async () => {
    const error = await rejection(ref.client.skills.execute('failing.skill', { inputs: {} }));
    expect(error).toBeInstanceOf(StreamError);
    // /execute answers the same error payload as the stream's done: its trace_id is null.
    expect(error).toMatchObject({ code: 'server-error-event', serverCode: 'STEP_FAILED', status: 500, outcome: 'failed', traceId: undefined });
  });

  it('maps a missing inputs to HTTPError 400 and an unknown skill to 404', async () => {
    const log = watch(ref.server);
    const bad = await rejection(collect(ref.client.skills.start('my.skill', {} as SkillExecuteParams, { signal: budget() })));
    expect(bad).toBeInstanceOf(HTTPError);
    expect(bad).toMatchObject({ status: 400, method: 'POST', body: { error: { code: 'INVALID_REQUEST' } } });

    const unknown = await rejection(ref.client.skills.execute('no.such.skill', { inputs: {} }));
    expect(unknown).toBeInstanceOf(HTTPError);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'SKILL_NOT_FOUND' } } });
    expect(log.requests()).toHaveLength(2);
  });
});
