/**
 * Types under the strictest settings users turn on: this project compiles its tests with
 * `strict` and `exactOptionalPropertyTypes`, so every line here is user code under those rules.
 */
import { describe, expectTypeOf, test } from 'vitest';
import {
  Crewship,
  FlowMaestro,
  PraisonAI,
  Runstream,
  SkillsEngine,
  Stax,
  StreamError,
  connect,
  isHTTPError,
  isSDKError,
  isStreamError,
  type EventStream,
  type HTTPError,
  type PraisonAIJobResult,
  type StreamOutcome,
  type CrewshipEventMap,
  type CrewshipTerminalType,
} from '../../src/index.js';

declare const storage: { getItem(key: string): string | null };
declare const maybeSignal: AbortSignal | undefined;
declare const maybeNumber: number | undefined;

const client = new Runstream({ baseUrl: 'http://api.test', apiKey: undefined, timeout: maybeNumber });

describe('optional options accept undefined (exactOptionalPropertyTypes)', () => {
  test('stream options', () => {
    client.runs.stream('run_abc123', { lastEventId: storage.getItem('k') ?? undefined, signal: maybeSignal, types: undefined });
    connect('http://api.test/events', { signal: maybeSignal, idleTimeout: maybeNumber, reconnect: { maxAttempts: maybeNumber, sleep: undefined } });
    connect('http://api.test/events', { method: undefined, body: undefined, headers: undefined, json: true, endMarker: undefined });
    client.skills.start('my.skill', { inputs: {} }, { onOpen: undefined, resume: undefined });
  });

  test('JSON call options and params', () => {
    void client.jobs.create({ prompt: 'x', session_id: undefined }, { idempotencyKey: undefined, signal: maybeSignal, timeout: maybeNumber });
    void client.jobs.run({ prompt: 'x' }, { onEvent: undefined, idleTimeout: undefined, headers: undefined });
    void client.skills.execute('my.skill', { inputs: {} }, { signal: maybeSignal });
    const listenerOptions = { once: undefined, signal: maybeSignal };
    client.runs.stream('run_abc123').addEventListener('log', () => {}, listenerOptions);
  });
});

describe('jobs take the result type', () => {
  test('run<Result>() and result<Result>()', () => {
    expectTypeOf(client.jobs.run<{ summary: string }>({ prompt: 'x' })).resolves.toEqualTypeOf<{ summary: string }>();
    expectTypeOf(client.jobs.run({ prompt: 'x' })).resolves.toBeUnknown();
    expectTypeOf(client.jobs.result<number[]>('run_abc123')).resolves.toEqualTypeOf<PraisonAIJobResult<number[]>>();
    expectTypeOf<PraisonAIJobResult<number[]>['result']>().toEqualTypeOf<number[]>();
  });
});

describe('failed and cancelled are fields', () => {
  test('StreamError.outcome and status', () => {
    expectTypeOf<StreamError['outcome']>().toEqualTypeOf<'failed' | 'cancelled' | undefined>();
    // `status` is an HTTP status wherever it appears; the platform's word is `serverStatus`.
    expectTypeOf<StreamError['status']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<HTTPError['status']>().toEqualTypeOf<number>();
    expectTypeOf<StreamError['serverStatus']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<StreamError['lastEventId']>().toEqualTypeOf<string>();
  });

  test('StreamOutcome.status and serverStatus: the same split as StreamError', () => {
    expectTypeOf<StreamOutcome['status']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<StreamOutcome['serverStatus']>().toEqualTypeOf<string | undefined>();
    const outcome = client.jobs.start({ prompt: 'x' }).outcome;
    expectTypeOf(outcome?.status).toEqualTypeOf<number | undefined>();
    expectTypeOf(outcome?.serverStatus).toEqualTypeOf<string | undefined>();
    // A status word is no longer accepted where an HTTP status goes.
    // @ts-expect-error the platform's word is serverStatus
    const word: StreamOutcome = { type: 'completed', status: 'succeeded' };
    void word;
  });
});

describe('error guards narrow what was caught', () => {
  test('isSDKError, isHTTPError, isStreamError', () => {
    const caught: unknown = undefined;
    if (isHTTPError(caught)) expectTypeOf(caught.status).toEqualTypeOf<number>();
    if (isStreamError(caught)) expectTypeOf(caught.code).toEqualTypeOf<StreamError['code']>();
    if (isSDKError(caught)) expectTypeOf(caught.lastEventId).toEqualTypeOf<string>();
  });
});

describe('runs.stream({ types }) narrows the union', () => {
  test('to the requested types and the terminal ones', async () => {
    const stream = client.runs.stream('run_abc123', { types: ['agent.started'] });
    expectTypeOf(stream).toEqualTypeOf<EventStream<Pick<CrewshipEventMap, 'agent.started' | CrewshipTerminalType | 'resync'>>>();
    for await (const event of stream) {
      expectTypeOf(event.type).toEqualTypeOf<'agent.started' | CrewshipTerminalType | 'resync'>();
      if (event.type === 'agent.started') expectTypeOf(event.data.agent).toBeString();
    }
  });

  test('to every type without a filter', () => {
    expectTypeOf(client.runs.stream('run_abc123')).toEqualTypeOf<EventStream<CrewshipEventMap>>();
    expectTypeOf(client.runs.stream('run_abc123', { lastEventId: 'evt_1' })).toEqualTypeOf<EventStream<CrewshipEventMap>>();
  });
});

describe('platform clients offer only their platform', () => {
  test('each has its one resource', () => {
    const crewship = new Crewship({ apiKey: 'k' });
    expectTypeOf(crewship.runs.stream('run_abc123')).toEqualTypeOf<EventStream<CrewshipEventMap>>();
    // @ts-expect-error a Crewship client has no skills
    void crewship.skills;
    // @ts-expect-error nor jobs
    void crewship.jobs;
    void new FlowMaestro().executions;
    // @ts-expect-error a FlowMaestro client has no runs
    void new FlowMaestro().runs;
    void new PraisonAI().jobs;
    void new SkillsEngine({ apiKey: 'k' }).skills;
    void new Stax().runner;
    // @ts-expect-error a stax client has no executions
    void new Stax().executions;
  });
});
