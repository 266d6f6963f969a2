// @vitest-environment happy-dom
/**
 * The browser build's source (src/testing/web.ts) in a simulated page: it loads without Node
 * and plays scripts to `connect()` and to a client (which needs `dangerouslyAllowBrowser` for
 * its key in a page).
 */
import { expect, it } from 'vitest';
import { connect, Crewship } from '../../src/index.js';
import * as web from '../../src/testing/web.js';

it('exports the kit and no reference server', () => {
  expect(Object.keys(web).sort()).toEqual(
    ['SCRIPT_FORMAT', 'collectEvents', 'encodeFrame', 'encodeScript', 'instantReconnect', 'platformScripts', 'recordScript', 'recordStream', 'scriptFromRaw', 'scriptedFetch', 'testClock'].sort(),
  );
});

it('plays scripts in a page', async () => {
  expect(typeof window).toBe('object');
  const raw = await web.collectEvents(connect('https://api.test/e', { fetch: web.scriptedFetch([{ event: 'a', data: 'é' }]), reconnect: false }));
  expect(raw.events.map((event) => [event.type, event.data])).toEqual([['a', 'é']]);
  const crewship = new Crewship({ apiKey: 'test', dangerouslyAllowBrowser: true, fetch: web.scriptedFetch(web.platformScripts({ platforms: ['crewship'] })) });
  const run = await web.collectEvents(crewship.runs.stream('run_abc123'));
  expect(run.outcome?.type).toBe('completed');
});
