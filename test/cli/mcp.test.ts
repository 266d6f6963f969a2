// `runstream mcp` of the built bin against the reference server's MCP stories: the view, the exit
// codes (completed 0, tool error 1, JSON-RPC error 1, input_required 6), and a cut resumed by GET.
import { describe, expect, it } from 'vitest';
import { run, useBuiltCli, useServer } from './support.js';

useBuiltCli();
const setup = useServer({ eventDelay: 5 });
const endpoint = (story: string) => ['--base-url', `${setup.server.url}/mcp/${story}`];

describe('mcp (MCP Streamable HTTP)', () => {
  it('shows progress and log lines, then the result text, and exits 0', async () => {
    const { code, stdout, stderr } = await run(['mcp', 'report', '--args', '{"days": 7}', ...endpoint('report')]);
    expect(code, stderr).toBe(0);
    expect(stdout.split('\n').slice(0, 6)).toEqual(['├─ 1/3 fetching', '├─ [info] fetched 1 240 rows', '├─ 2/3 aggregating', '├─ 3/3 rendering', '✅ report completed', 'Weekly report: 1 240 rows, 3 anomalies ✓']);
  });

  it('exits 1 for a tool error (isError), with its text', async () => {
    const { code, stdout } = await run(['mcp', 'report', ...endpoint('boom')]);
    expect(code).toBe(1);
    expect(stdout).toContain('❌ report failed (isError): upstream database unavailable');
  });

  it('exits 1 for a JSON-RPC error inside the stream, with its code', async () => {
    const { code, stdout } = await run(['mcp', 'report', ...endpoint('missing')]);
    expect(code).toBe(1);
    expect(stdout).toContain('❌ JSON-RPC error -32601: Method not found');
    expect(stdout).toContain('serverCode -32601');
  });

  it('exits 6 (waiting) for a 2026-07-28 input_required result', async () => {
    const { code, stdout } = await run(['mcp', 'report', '--protocol', '2026-07-28', ...endpoint('confirm-2026')]);
    expect(code).toBe(6);
    expect(stdout).toContain('⏸ report needs input');
  });

  it('resumes a cut 2025-11-25 stream by GET with Last-Event-ID', async () => {
    const { code, stdout, stderr } = await run(['mcp', 'report', ...endpoint('cut')]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('✅ report completed');
    expect(stderr).toContain('Last-Event-ID: cut_002');
  });

  it('--protocol takes the two revisions only (usage, exit 2)', async () => {
    const { code, stderr } = await run(['mcp', 'report', '--protocol', '2024-11-05', ...endpoint('report')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--protocol must be 2025-11-25 or 2026-07-28');
  });
});
