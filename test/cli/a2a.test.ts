// `runstream a2a` against the reference server's A2A agent, over real sockets: the view of each
// story, its exit code, the re-subscribe line after a cut, and usage errors.
import { describe, expect, it } from 'vitest';
import { run, useBuiltCli, useServer } from './support.js';

useBuiltCli();
const setup = useServer({ eventDelay: 5 });
const base = () => ['--base-url', `${setup.server.url}/a2a`];

describe('a2a (A2A v1.0)', () => {
  it.each(['jsonrpc', 'rest'])('shows a completed task over %s: status, artifact chunks, exit 0', async (binding) => {
    const { code, stdout, stderr } = await run(['a2a', 'hello', '--binding', binding, ...base()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('▶ task task_completed (context ctx_demo) ● submitted');
    expect(stdout).toContain('├─ ● working working on it');
    expect(stdout).toContain('├─ ▤ report Hello ');
    expect(stdout).toContain('├─ ▤ report (+) ✓ world');
    expect(stdout).toContain('├─ ● completed');
  });

  it('exits 1 for a failed task and for an A2A error inside the stream, 6 for a task that waits for input', async () => {
    const failed = await run(['a2a', 'please fail', ...base()]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('● failed could not do it');
    const error = await run(['a2a', 'error', ...base()]);
    expect(error.code).toBe(1);
    expect(error.stdout).toContain('❌ A2A error -32603: the task store is unavailable');
    const input = await run(['a2a', 'input', ...base()]);
    expect(input.code).toBe(6);
    expect(input.stdout).toContain('⏸ the agent waits for you: which city?');
  });

  it('re-subscribes after a cut and shows the snapshot line, then completes', async () => {
    const { code, stdout, stderr } = await run(['a2a', 'cut', ...base()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('⟳ re-subscribed after a drop: the task as it stands, ● working step 2');
    expect(stdout).toContain('├─ ● completed');
  });

  it('refuses an unknown binding and a missing text (exit 2)', async () => {
    expect((await run(['a2a', 'hi', '--binding', 'grpc', ...base()])).code).toBe(2);
    expect((await run(['a2a', ...base()])).code).toBe(2);
  });
});
