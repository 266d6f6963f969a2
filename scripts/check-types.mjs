// Checks that the packed package's types resolve for consumers under moduleResolution `bundler`,
// `node16` and `nodenext`: packs the package (dist/ must be built), installs the tarball's files
// into a temp project's node_modules (eventsource-parser and @types/node linked from this repo),
// and compiles the fixtures in scripts/type-fixtures with this repo's tsc. ESM (.mts) and CommonJS
// (.cts) consumers under node16/nodenext (lib ES2022 + @types/node, no DOM, as @tsconfig/node20);
// a browser app (DOM lib, no Node types, root entry only) under bundler. The fixtures'
// @ts-expect-error lines fail the build if a type resolves to `any`.
//
// skipLibCheck is on, as in consumers' usual configs; `--lib-check` turns it off to also report
// errors inside the declarations themselves.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'scripts', 'type-fixtures');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const libCheck = process.argv.includes('--lib-check');

const PROJECTS = [
  {
    name: 'bundler',
    files: ['browser.ts'],
    packageType: 'module',
    compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [] },
  },
  { name: 'node16', files: ['esm.mts', 'cjs.cts'], packageType: 'commonjs', compilerOptions: { module: 'Node16', moduleResolution: 'Node16', lib: ['ES2022'], types: ['node'] } },
  { name: 'nodenext', files: ['esm.mts', 'cjs.cts'], packageType: 'module', compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] } },
];

const dir = mkdtempSync(join(tmpdir(), 'runstream-types-'));
let failed = false;
try {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'runstream'), { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', join(modules, 'runstream'), '--strip-components=1']);
  mkdirSync(join(modules, '@types'), { recursive: true });
  symlinkSync(join(root, 'node_modules', 'eventsource-parser'), join(modules, 'eventsource-parser'));
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'));
  // @types/node's own dependency (undici-types), beside it as npm would hoist it.
  symlinkSync(join(root, 'node_modules', 'undici-types'), join(modules, 'undici-types'));

  for (const project of PROJECTS) {
    const projectDir = join(dir, project.name);
    mkdirSync(projectDir);
    for (const file of project.files) cpSync(join(fixtures, file), join(projectDir, file));
    writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: `fixture-${project.name}`, private: true, type: project.packageType }));
    writeFileSync(
      join(projectDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: !libCheck, ...project.compilerOptions },
        files: project.files,
      }),
    );
    try {
      execFileSync(process.execPath, [tsc, '-p', projectDir], { cwd: projectDir, encoding: 'utf8', stdio: 'pipe' });
      console.log(`types ok: moduleResolution ${project.name} (${project.files.join(', ')})${libCheck ? ', skipLibCheck off' : ''}`);
    } catch (error) {
      failed = true;
      console.log(`types FAILED: moduleResolution ${project.name} (${project.files.join(', ')})\n${error.stdout}${error.stderr}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exit(1);
