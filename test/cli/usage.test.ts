// Exit 2 for what can never work, as docs/cli.md promises: a base URL without its scheme or with
// a port outside 1–65535 (from the flag or the environment), a stream URL with such a port, a
// duration past the timer limit. The built bin; nothing here reaches a server.
import { describe, expect, it } from 'vitest';
import { run, useBuiltCli } from './support.js';

useBuiltCli();

describe('exit 2: a URL or value that can never work', () => {
  it('a --base-url without its scheme, with the URL it probably meant', async () => {
    const { code, stdout, stderr } = await run(['runs', 'run_abc123', '--base-url', '127.0.0.1:4800']);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('runstream: --base-url must be an absolute http(s) URL');
    expect(stderr).toContain('hint: did you mean --base-url http://127.0.0.1:4800?');
    expect(stdout).toBe('');
  });

  it('a base URL from the environment, naming the variable', async () => {
    for (const [args, variable] of [
      [['executions', 'exec_xyz789'], 'RUNSTREAM_BASE_URL'],
      [['jobs', 'stream', 'run_abc123'], 'PRAISONAI_BASE_URL'],
    ] as const) {
      const { code, stderr } = await run([...args], { env: { [variable]: 'localhost:8005' } });
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(`runstream: $${variable} must be an absolute http(s) URL`);
      expect(stderr).toContain('hint: did you mean http://localhost:8005?');
    }
  });

  it('a port outside 1–65535, named as the problem, in a base URL and in a stream URL', async () => {
    const base = await run(['runner', 'follow', 'a1b2c3d4', '--base-url', 'http://127.0.0.1:99999']);
    expect(base.code, base.stderr).toBe(2);
    expect(base.stderr).toContain('runstream: --base-url has an invalid port (99999): a port is a number from 1 to 65535');
    const tail = await run(['tail', 'http://127.0.0.1:99999/x']);
    expect(tail.code, tail.stderr).toBe(2);
    expect(tail.stderr).toContain('has an invalid port (99999): a port is a number from 1 to 65535');
    expect(tail.stderr).not.toContain('not an absolute');
  });

  it('an --idle-timeout past the timer limit', async () => {
    const { code, stderr } = await run(['tail', 'http://127.0.0.1:4800/x', '--idle-timeout', '3000000000']);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('--idle-timeout must be a whole number from 0 to 2147483647, got "3000000000"');
  });
});
