import { describe, expectTypeOf, test } from 'vitest';
import { Runstream, type EventStream, type SkillEngineEvent, type SkillEventMap, type SkillError, type SkillErrorDone, type SkillResult } from '../../src/index.js';

const client = new Runstream({ baseUrl: 'http://localhost:8080', apiKey: 'sk-test-secret' });

describe('skills types', () => {
  test('run() resolves with the result; its onEvent gets the stream\'s events', () => {
    expectTypeOf(client.skills.run('my.skill', { inputs: {} })).toEqualTypeOf<Promise<SkillResult>>();
    void client.skills.run('my.skill', { inputs: {} }, { onEvent: (event) => expectTypeOf(event.type).toEqualTypeOf<keyof SkillEventMap>() });
  });

  test('start takes {inputs} and returns an EventStream of SkillEventMap', () => {
    expectTypeOf(client.skills.start('my.skill', { inputs: { text: 'hi' } })).toEqualTypeOf<EventStream<SkillEventMap>>();
    // @ts-expect-error inputs is required
    void client.skills.start('my.skill', {});
    expectTypeOf(client.skills.execute('my.skill', { inputs: {} })).toEqualTypeOf<Promise<SkillResult>>();
  });

  test('narrowing on event.type narrows event.data', async () => {
    for await (const event of client.skills.start('my.skill', { inputs: {} })) {
      if (event.type === 'done') {
        expectTypeOf(event.data).toEqualTypeOf<SkillResult | SkillErrorDone>();
        expectTypeOf(event.data.outputs).toEqualTypeOf<Record<string, unknown> | undefined>();
        // The error done sends `trace_id: null`.
        expectTypeOf(event.data.trace_id).toEqualTypeOf<string | null | undefined>();
        if (event.data.skill_id === undefined) expectTypeOf(event.data.error).toEqualTypeOf<SkillError>();
      } else if (event.type === 'step_completed') {
        expectTypeOf(event.data).toEqualTypeOf<SkillEngineEvent<'step_completed', { produced_output?: Record<string, unknown> } | null>>();
        expectTypeOf(event.data.type).toEqualTypeOf<'step_completed'>();
      } else {
        expectTypeOf(event.data.message).toBeString();
        expectTypeOf(event.data.trace_id).toBeString();
        // @ts-expect-error engine events have no outputs; only done does
        void event.data.outputs;
      }
    }
  });

  test('addEventListener gives the typed payload', () => {
    client.skills.start('my.skill', { inputs: {} }).addEventListener('done', (event) => {
      expectTypeOf(event.data.status).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.data.error).toEqualTypeOf<SkillResult['error'] | SkillError>();
    });
  });
});
