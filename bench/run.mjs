// `npm run bench [-- --quick]`: makes a fresh clone ready, then runs the benchmark.
//   1. the root install, only when it is missing (npm ci), since the build needs it;
//   2. bench/'s own install (npm ci --prefix bench) when it is missing or out of date with
//      bench/package-lock.json, so the peers and esbuild never enter the root install;
//   3. npm run build (dist/ is what gets measured; --no-build skips it);
//   4. node --expose-gc bench/bench.mjs with the remaining arguments (bench/profile.mjs with
//      --profile).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import console from 'node:console';
import { BENCH, ROOT } from './paths.mjs';

const args = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(command, commandArgs, cwd = ROOT) {
  console.error(`> ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** True when every package bench/package-lock.json pins is installed at that version. */
function benchInstalled() {
  const lock = JSON.parse(readFileSync(join(BENCH, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path || entry.optional) continue;
    const manifest = join(BENCH, path, 'package.json');
    if (!existsSync(manifest)) return false;
    if (JSON.parse(readFileSync(manifest, 'utf8')).version !== entry.version) return false;
  }
  return true;
}

if (!existsSync(join(ROOT, 'node_modules', '.bin', 'tsup'))) sh(npm, ['ci', '--no-audit', '--no-fund']);
if (!benchInstalled()) sh(npm, ['ci', '--prefix', 'bench', '--no-audit', '--no-fund']);
if (args.includes('--no-build')) args.splice(args.indexOf('--no-build'), 1);
else sh(npm, ['run', 'build', '--silent']);

// --profile: CPU-profile one client against the baseline instead (see profile.mjs).
const script = args.includes('--profile') ? 'profile.mjs' : 'bench.mjs';
const bench = spawnSync(process.execPath, ['--expose-gc', join(BENCH, script), ...args], { cwd: ROOT, stdio: 'inherit' });
process.exit(bench.status ?? 1);
