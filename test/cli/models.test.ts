// `runstream openai` and `runstream anthropic` (the built bin) against the reference server's
// stories over real sockets: each view, each exit code, and the key never printed.
import { describe, expect, it } from 'vitest';
import { run, useBuiltCli, useServer } from './support.js';

const SECRET = 'sk-live-models-0123456789';
useBuiltCli();
const setup = useServer({ apiKey: SECRET, eventDelay: 0 });
const auth = () => ['--base-url', setup.server.url, '--api-key', SECRET];

describe('runstream openai', () => {
  it('prints the text and the outcome of a completed response, exit 0', async () => {
    const { code, stdout, stderr } = await run(['openai', 'Say hello', ...auth()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^▶ resp_\d{8}\nHello there!\n✅ completed \(status completed\)\n$/);
    expect(stdout + stderr).not.toContain(SECRET);
  });

  it('says status incomplete and the reason, exit 0', async () => {
    const { code, stdout } = await run(['openai', 'incomplete', ...auth()]);
    expect(code).toBe(0);
    expect(stdout).toContain('✅ completed (status incomplete: max_output_tokens)');
  });

  it('exits 1 for an error inside the stream, with its code', async () => {
    const { code, stdout } = await run(['openai', 'failed', ...auth()]);
    expect(code).toBe(1);
    expect(stdout).toContain('❌ error server_error: The model failed to generate a response.');
    expect(stdout).toContain('serverCode server_error');
  });

  it('exits 5 for a dropped foreground response, saying generation stopped, after one POST', async () => {
    const before = setup.server.requests.length;
    const { code, stdout } = await run(['openai', 'cut', ...auth()]);
    expect(code).toBe(5);
    expect(stdout).toContain('generation stopped');
    expect(setup.server.requests.slice(before).map((request) => request.method)).toEqual(['POST']);
  });

  it('resumes a dropped background response and exits 0', async () => {
    const { code, stdout, stderr } = await run(['openai', 'cut', '--background', ...auth()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Hello there!');
    expect(stderr).toContain('1 reconnect');
  });
});

describe('runstream anthropic', () => {
  it('prints the text and the stop_reason, the ping counted as a keepalive, exit 0', async () => {
    const { code, stdout, stderr } = await run(['anthropic', 'Hello', ...auth()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^▶ msg_\d{8} · claude-opus-4-1\nHello there!\n✅ completed \(stop_reason end_turn\)\n$/);
    expect(stderr).toContain('1 keepalive');
    expect(stdout + stderr).not.toContain(SECRET);
  });

  it('prints a tool use with its input', async () => {
    const { code, stdout } = await run(['anthropic', 'use a tool', ...auth()]);
    expect(code).toBe(0);
    expect(stdout).toContain('ƒ get_weather({"location": "San Francisco, CA"})');
    expect(stdout).toContain('(stop_reason tool_use)');
  });

  it('exits 1 for an overloaded_error inside the stream', async () => {
    const { code, stdout } = await run(['anthropic', 'overloaded', ...auth()]);
    expect(code).toBe(1);
    expect(stdout).toContain('❌ overloaded_error: Overloaded');
  });

  it('exits 5 for a message cut before message_stop', async () => {
    const { code, stdout } = await run(['anthropic', 'cut', ...auth()]);
    expect(code).toBe(5);
    expect(stdout).toContain('no message_stop');
  });
});
