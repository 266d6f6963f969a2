import { describe, expectTypeOf, test } from 'vitest';
import type { CrewshipEventMap, FlowMaestroEventMap, PraisonAIEventMap, SkillEventMap, StaxEventMap } from '../../src/index.js';
import { crewship } from '../../src/platforms/crewship/definition.js';
import { definePlatform } from '../../src/platforms/define.js';
import { flowmaestro } from '../../src/platforms/flowmaestro/definition.js';
import { praisonai } from '../../src/platforms/praisonai/definition.js';
import { skills } from '../../src/platforms/skills/definition.js';
import { stax } from '../../src/platforms/stax/definition.js';

describe('platform definitions and their event maps', () => {
  test('known names exactly the keys of each event map', () => {
    expectTypeOf<(typeof crewship.known)[number]>().toEqualTypeOf<keyof CrewshipEventMap>();
    expectTypeOf<(typeof flowmaestro.known)[number]>().toEqualTypeOf<keyof FlowMaestroEventMap>();
    expectTypeOf<(typeof praisonai.known)[number]>().toEqualTypeOf<keyof PraisonAIEventMap>();
    expectTypeOf<(typeof skills.known)[number]>().toEqualTypeOf<keyof SkillEventMap>();
    expectTypeOf<(typeof stax.known)[number]>().toEqualTypeOf<keyof StaxEventMap>();
  });

  test('terminal events are keys of the event map', () => {
    expectTypeOf<(typeof crewship.terminal)[number]>().toEqualTypeOf<'run.completed' | 'run.failed' | 'run.canceled' | 'complete' | 'timeout'>();
    expectTypeOf<(typeof praisonai.terminal)[number]>().toExtend<keyof PraisonAIEventMap>();
    expectTypeOf<(typeof stax.terminal)[number]>().toEqualTypeOf<'run.completed'>();
  });

  interface Map {
    started: { id: string };
    done: null;
  }
  const base = {
    name: 'example',
    title: 'Example',
    baseUrl: 'http://localhost',
    baseUrlSource: 'nowhere',
    auth: 'none',
    idleTimeout: 'connect',
    keepalive: [],
    keepaliveComments: [],
    lineEndings: ['\n'],
    ids: true,
    routes: {},
    resume: 'last-event-id',
    resync: 'none',
  } as const;

  test('a definition that names every event compiles', () => {
    definePlatform<Map>()({ ...base, known: ['started', 'done'], terminal: ['done'], outcomes: { done: 'completed' } });
  });

  test('a known list that misses an event of the map is a type error', () => {
    // @ts-expect-error `done` is missing from known
    definePlatform<Map>()({ ...base, known: ['started'], terminal: ['done'], outcomes: { done: 'completed' } });
  });

  test('a known list with a name outside the map is a type error', () => {
    // @ts-expect-error `cancelled` is not an event of the map
    definePlatform<Map>()({ ...base, known: ['started', 'done', 'cancelled'], terminal: ['done'], outcomes: { done: 'completed' } });
  });

  test('a terminal event outside the map is a type error', () => {
    // @ts-expect-error `finished` is not an event of the map
    definePlatform<Map>()({ ...base, known: ['started', 'done'], terminal: ['finished'], outcomes: { done: 'completed' } });
  });

  test('outcomes must cover exactly the terminal events', () => {
    // @ts-expect-error no outcome for `done`
    definePlatform<Map>()({ ...base, known: ['started', 'done'], terminal: ['done'], outcomes: {} });
    // @ts-expect-error `started` is not terminal
    definePlatform<Map>()({ ...base, known: ['started', 'done'], terminal: ['done'], outcomes: { done: 'completed', started: 'failed' } });
  });
});
