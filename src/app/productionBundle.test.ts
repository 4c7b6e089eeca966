// Nothing test-only shipped (issue 26, item 4): the production build (CAE_TEST_HOOKS unset) holds
// none of the fault hooks' names, on the page or in the worker; the test build (CAE_TEST_HOOKS=1, the
// end-to-end build) holds every one, which shows the search would see them. Both are built here
// with the project's vite.config.ts into temporary folders (a few seconds each).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

/** What only a test build may contain: the debug messages, the hooks on window.__cae, the worker's fault code. */
const FAULT_NAMES = [
  'debug/lose-device',
  'debug/crash',
  'debug/exit',
  'debug/chunk-cache',
  'debug/slow-writes',
  'deliberate crash for testing',
  'loseDevice',
  'crashWorker',
  'killWorker',
  'chunkCache',
  'slowWrites',
];

const dirs: string[] = [];

/** The text of every JavaScript file of a build made with CAE_TEST_HOOKS as given. */
async function bundleText(hooks: boolean): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `cae-bundle-${hooks ? 'test' : 'prod'}-`));
  dirs.push(outDir);
  const before = process.env.CAE_TEST_HOOKS;
  if (hooks) process.env.CAE_TEST_HOOKS = '1';
  else delete process.env.CAE_TEST_HOOKS;
  try {
    await build({ configFile: join(import.meta.dirname, '../../vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  } finally {
    if (before === undefined) delete process.env.CAE_TEST_HOOKS;
    else process.env.CAE_TEST_HOOKS = before;
  }
  const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  expect(files.some((f) => f.includes('worker'))).toBe(true); // the worker's chunk is among them
  return files.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
}

describe('the production bundle', () => {
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('holds no fault hook; the test build holds every one', async () => {
    const production = await bundleText(false);
    expect(FAULT_NAMES.filter((n) => production.includes(n))).toEqual([]);
    // The read-only hook stays in every build: tests and outside checks read the page's state through it.
    expect(production).toContain('__cae');
    const test = await bundleText(true);
    expect(FAULT_NAMES.filter((n) => !test.includes(n))).toEqual([]);
  });
});
