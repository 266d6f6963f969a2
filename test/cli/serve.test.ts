// `runstream serve` and `runstream demo`, as processes.
import { describe, expect, it } from 'vitest';
import { jsonLines, run, start, useBuiltCli } from './support.js';

useBuiltCli();

describe('serve', () => {
  it('prints its URL first and its routes, serves streams, and stops on Ctrl-C', async () => {
    const server = start(['serve', '--port', '0', '--event-delay', '5'], { timeout: 20_000 });
    await server.waitFor(/^http:\/\/127\.0\.0\.1:\d+\n/);
    await server.waitFor(/Ctrl-C to stop\./, 5_000, 'stderr');
    const url = /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(server.output().stdout)![1]!;
    const tailed = await run(['tail', `${url}/v1/runs/run_abc123/events`, '-H', 'Authorization: Bearer test-key', '--json', '--no-reconnect']);
    expect(jsonLines(tailed.stdout)).toHaveLength(10);
    server.child.kill('SIGINT');
    const { code, stderr } = await server.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(/Crewship +GET +http:\/\/127\.0\.0\.1:\d+\/v1\/runs\/run_abc123\/events/);
    expect(stderr).toContain('stopped.');
  });

  it('refuses a non-loopback host (usage, exit 2)', async () => {
    const { code, stderr } = await run(['serve', '--port', '0', '--host', '0.0.0.0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/loopback/);
  });

  it("lists its own exit codes in --help, not the watch commands'", async () => {
    const { code, stdout } = await run(['serve', '--help']);
    expect(code).toBe(0);
    const table = stdout.slice(stdout.indexOf('Exit codes:'));
    expect(table).toMatch(/^ {2}0 +stopped with Ctrl-C/m);
    expect(table).toMatch(/^ {2}1 +the server could not start/m);
    expect(table).not.toMatch(/run failed|cancelled|broken stream/);
  });

  it('exits 1 when its port is taken', async () => {
    const first = start(['serve', '--port', '0', '--event-delay', '5'], { timeout: 20_000 });
    await first.waitFor(/^http:\/\/127\.0\.0\.1:\d+\n/);
    const port = /:(\d+)\n/.exec(first.output().stdout)![1]!;
    const second = await run(['serve', '--port', port]);
    first.child.kill('SIGINT');
    await first.done;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/EADDRINUSE|in use/);
  });
});

describe('demo', () => {
  it("lists its own exit codes in --help, not the watch commands'", async () => {
    const { code, stdout } = await run(['demo', '--help']);
    expect(code).toBe(0);
    const table = stdout.slice(stdout.indexOf('Exit codes:'));
    expect(table).toMatch(/^ {2}1 +a run did not end as scripted/m);
    expect(table).not.toMatch(/broken stream/);
  });

  it('shows one run per platform under its heading and exits 0', async () => {
    const { code, stdout } = await run(['demo', '--event-delay', '5'], { timeout: 30_000 });
    expect(code).toBe(0);
    for (const heading of ['1/5 Crewship', '2/5 FlowMaestro', '3/5 PraisonAI', '4/5 Skills engine', '5/5 stax runner']) expect(stdout).toContain(`━━ ${heading} ━━`);
    expect(stdout).toContain('✅ Run completed');
    expect(stdout).toContain('✅ Execution completed');
    expect(stdout).toContain('✅ Job succeeded');
    expect(stdout).toContain('✅ Skill completed');
    expect(stdout).toMatch(/✅ run completed: success/);
    expect(stdout).toContain('demo: 5/5 runs ended as scripted');
  });
});
