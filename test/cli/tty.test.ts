// The live view in a real pseudo-terminal: the bin runs inside tmux, the screen is read with
// `tmux capture-pane -p -e` (escape codes included). tmux is required in CI (.ci/run installs
// it from Debian); locally, without it, this file is skipped with a message.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, useBuiltCli, useServer } from './support.js';

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
if (!hasTmux && process.env.CI) throw new Error('tmux is required for the CLI TTY tests in CI (apt-get install -y tmux)');
if (!hasTmux) console.warn('test/cli/tty.test.ts skipped: tmux is not installed (apt-get install -y tmux)');

const SOCKET = `runstream-cli-test-${process.pid}`;
// Colour, bold or dim: the SGR codes the views use (a bare reset does not count).
// eslint-disable-next-line no-control-regex -- escape codes are what this looks for
const STYLED = /\x1b\[(?:[0-9;]*;)?(?:1|2|3[0-7]|9[0-7])(?:;[0-9;]*)?m/;
// eslint-disable-next-line no-control-regex -- escape codes are what this strips
const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

let sessions = 0;
/** Runs `shell` (a command line) in a new 120×50 tmux window and returns its screen once it printed EXIT=<code>. */
async function screen(shell: string, options: { during?: RegExp } = {}): Promise<{ final: string; during?: string }> {
  const name = `s${++sessions}`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '50', `cd ${ROOT} && env -u NO_COLOR -u FORCE_COLOR TZ=UTC ${shell}; echo EXIT=$?; sleep 60`);
  const deadline = Date.now() + 15_000;
  let during: string | undefined;
  for (;;) {
    const captured = tmux('capture-pane', '-p', '-e', '-t', name);
    if (options.during && during === undefined && options.during.test(strip(captured))) during = captured;
    if (/EXIT=\d+/.test(captured)) {
      tmux('kill-session', '-t', name);
      return { final: captured, ...(during !== undefined ? { during } : {}) };
    }
    if (Date.now() > deadline) {
      tmux('kill-session', '-t', name);
      throw new Error(`no EXIT= on the screen within 15 s:\n${captured}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!hasTmux)('the live view on a terminal (tmux)', () => {
  useBuiltCli();
  const setup = useServer({ eventDelay: 120 });
  afterAll(() => void spawnSync('tmux', ['-L', SOCKET, 'kill-server']));
  const bin = (args: string) => `node ${CLI} ${args} --base-url ${setup.server.url}`;

  it('draws the Crewship tree in colour, the status line erased at the end', async () => {
    // The first screen that shows an event's id: one captured between the open and the first
    // event (no id yet) says nothing about the line's format.
    const { final, during } = await screen(bin('runs run_abc123 --api-key test-key'), { during: /● open · \d+ events .*last id/ });
    const text = strip(final);
    expect(text).toContain('▶ Run started: run_abc123');
    expect(text).toContain('├─ [10:30:05] Tool: web_search("AI agents 2024")');
    expect(text).toMatch(/✅ Run completed in ≥\d+\.\ds by event timestamps · server: 45\.2s/);
    expect(text).toContain('EXIT=0');
    expect(final).toMatch(STYLED);
    // While streaming: the status line (events, bytes, last id, state); at the end: gone.
    expect(strip(during ?? '')).toMatch(/● open · \d+ events · [\d.]+ k?B · \d+ keepalives · last id evt_\d{3}/);
    expect(text).not.toMatch(/● open ·/);
  });

  it('shows the FlowMaestro progress bar live, then keeps the last one', async () => {
    const { final, during } = await screen(bin('executions exec_xyz789 --api-key test-key'), { during: /\d+% node_\d\s+│\s+● open/ });
    expect(strip(during ?? '')).toMatch(/\[[█░]{20}\] +\d+% node_\d {2}│ {2}● open/);
    const text = strip(final);
    expect(text).toContain('[████████████████████] 100% node_3');
    expect(text).toContain('├─ ✓ node_2 (http_request) completed');
    expect(text).toContain('EXIT=0');
    expect(final).toMatch(STYLED);
  });

  it('no colours with NO_COLOR, nor when piped', async () => {
    const plain = await screen(`NO_COLOR=1 ${bin('runs run_abc123 --api-key test-key')}`);
    expect(strip(plain.final)).toContain('✅ Run completed');
    expect(plain.final).not.toMatch(STYLED);
    const piped = await screen(`${bin('jobs run --prompt "Analyze quarterly sales data"')} 2>&1 | cat`);
    const text = strip(piped.final);
    expect(text).toContain('[██████████░░░░░░░░░░]  50% Processing data'); // one line per update when piped
    expect(text).toContain('Result:');
    expect(piped.final).not.toMatch(STYLED);
  });

  it('FORCE_COLOR colours piped output', async () => {
    const forced = await screen(`FORCE_COLOR=1 ${bin('runs run_abc123 --api-key test-key')} 2>&1 | cat`);
    expect(forced.final).toMatch(STYLED);
  });
});
