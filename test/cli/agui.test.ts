// `runstream agui` (the built bin) against the reference server's AG-UI agents over real sockets:
// the view, each exit code, a cut, --input and --json.
import { describe, expect, it } from 'vitest';
import { jsonLines, run, useBuiltCli, useServer } from './support.js';

useBuiltCli();
const setup = useServer({ eventDelay: 1 });
const agent = (story: string) => `${setup.server.url}/agui/${story}`;

describe('agui', () => {
  it('prints the messages, the tool call with its parsed arguments, the state, and exits 0 on completion', async () => {
    const { code, stdout, stderr } = await run(['agui', agent('weather'), 'What is the weather?', '--thread-id', 't1', '--run-id', 'r1']);
    expect(code, stderr).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '▶ run r1 (thread t1)',
      '   state {"step":0,"items":[]}',
      '🤖 Let me check the weather.',
      '├─ 🔧 search({"q":"weather in Oslo"})',
      '├─ → sunny, 18 °C',
      '   state {"step":1,"items":["sunny"]}',
      '🤖 It is sunny in Oslo, 18 °C.',
      '✅ Run completed',
      '   result {"answer":"sunny"}',
      '',
    ]);
    const [request] = setup.server.requests.filter((item) => item.path === '/agui/weather').slice(-1);
    expect(request?.body).toMatchObject({ threadId: 't1', runId: 'r1', messages: [{ role: 'user', content: 'What is the weather?' }], tools: [], context: [] });
  });

  it('exits 1 on RUN_ERROR with its code, 6 on an interrupt listing what it waits for, 3 when cancelled', async () => {
    const failed = await run(['agui', agent('quota'), 'Hi']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('❌ Run failed: QUOTA: model quota exceeded');
    const waiting = await run(['agui', agent('approval'), 'Hi']);
    expect(waiting.code).toBe(6);
    expect(waiting.stdout).toContain('⏸ The run waits for you:\n   i1 (approval): Book the flight to Oslo?');
    expect((await run(['agui', agent('cancelled'), 'Hi'])).code).toBe(3);
  });

  it('exits 4 when the connection drops mid-run, showing the partial message; the POST is sent once', async () => {
    setup.server.dropNext('/agui/weather', { afterEvents: 5 });
    const before = setup.server.requests.filter((item) => item.path === '/agui/weather').length;
    const { code, stdout } = await run(['agui', agent('weather'), 'Hi']);
    expect(code).toBe(4);
    expect(stdout).toContain('🤖 Let me check the  (cut off)');
    expect(stdout).toMatch(/ConnectionError/);
    expect(setup.server.requests.filter((item) => item.path === '/agui/weather').length - before).toBe(1);
  });

  it('sends --input as the RunAgentInput and prints one JSON event per line with --json', async () => {
    const input = JSON.stringify({ threadId: 'tx', runId: 'rx', messages: [{ id: 'u', role: 'user', content: 'Hi' }], state: { a: 1 } });
    const { code, stdout } = await run(['agui', agent('weather'), '--input', input, '--json']);
    expect(code).toBe(0);
    const events = jsonLines(stdout) as { type: string; data: { runId?: string } }[];
    expect(events[0]).toMatchObject({ type: 'RUN_STARTED', data: { runId: 'rx' } });
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
  });

  it('refuses a missing agent URL, a missing message, and both a message and --input (exit 2)', async () => {
    expect((await run(['agui'])).code).toBe(2);
    expect((await run(['agui', agent('weather')])).code).toBe(2);
    expect((await run(['agui', agent('weather'), 'Hi', '--input', '{}'])).code).toBe(2);
  });
});
