import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse } from '../helpers/sse.js';

useMsw();

describe('connect', () => {
  it('delivers named and unnamed events with the last event id', async () => {
    server.use(
      http.get(`${BASE}/events`, () =>
        sseResponse([frames([{ event: 'a', id: '1', data: 'x' }, { data: 'y' }])]),
      ),
    );
    const events = await collect(connect(`${BASE}/events`, { reconnect: false }));
    expect(events.map((e) => [e.type, e.data, e.id])).toEqual([
      ['a', 'x', '1'],
      ['message', 'y', '1'],
    ]);
  });
});
