/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * Privacy: once loaded, the page may talk to its own origin only. The dev server also needs the
 * inline React-refresh preamble, so only the built app gets the strict script-src.
 */
function contentSecurityPolicy(): Plugin {
  let dev = false;
  return {
    name: 'cae-csp',
    configResolved(c) {
      dev = c.command === 'serve' && !c.isProduction;
    },
    transformIndexHtml() {
      const policy = [
        "default-src 'self'",
        // 'wasm-unsafe-eval': the WASM fallback compiles its .wasm (src/worker/wasmBackend.ts).
        `script-src 'self' 'wasm-unsafe-eval'${dev ? " 'unsafe-inline'" : ''}`,
        "worker-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
      ].join('; ');
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }];
    },
  };
}

/**
 * Emits the service worker (src/sw/sw.js) with the list of files to keep for offline use: every file
 * of the bundle and of public/ but its datasets. Build only: the dev server's modules change on each edit.
 */
function serviceWorker(): Plugin {
  let publicDir = '';
  let root = '';
  return {
    name: 'cae-service-worker',
    apply: 'build',
    configResolved(c) {
      publicDir = c.publicDir;
      root = c.root;
    },
    generateBundle(_, bundle) {
      // index.html is emitted after this hook runs, so it is named here.
      const built = [...new Set(['index.html', ...Object.keys(bundle)])].filter((f) => !f.endsWith('.map'));
      // Embedded datasets (public/datasets/) are left out: they are fetched only when chosen, and the
      // worker keeps them in a cache of their own then (src/worker/fashionFetch.ts).
      const pub = readdirSync(publicDir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => join(relative(publicDir, d.parentPath), d.name).split(sep).join('/'))
        .filter((f) => !f.startsWith('datasets/'));
      const files = [...built, ...pub].map((f) => `/${f}`).sort();
      // Bundle names carry a hash of their content; public files do not, so their bytes count too.
      const h = createHash('sha256').update(files.join('\n'));
      for (const f of pub) h.update(readFileSync(join(publicDir, f)));
      const source = readFileSync(join(root, 'src/sw/sw.js'), 'utf8')
        .replace('__VERSION__', h.digest('hex').slice(0, 12))
        .replace('__PRECACHE__', JSON.stringify(files));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

/**
 * The WASM fallback's threads: tfjs-backend-wasm's import of the threaded factory is answered by
 * src/worker/wasmThreaded.ts, whose toString survives minification (see there). Build only: the dev
 * server's dependency bundles are not minified.
 */
function wasmThreads(): Plugin {
  return {
    name: 'cae-wasm-threads',
    apply: 'build',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.endsWith('/tfjs-backend-wasm-threaded-simd.js') && importer?.includes('tfjs-backend-wasm/dist/'))
        return join(__dirname, 'src/worker/wasmThreaded.ts');
      return null;
    },
  };
}

/**
 * Cross-origin isolation (COOP + COEP): SharedArrayBuffer exists only there, and the WASM fallback's
 * thread pool needs it (src/worker/wasmBackend.ts). The page loads nothing from other origins, so
 * requiring CORP of them costs nothing. A host serving the build must send the same two headers for
 * threads; without them the fallback runs on one thread and says so.
 */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// The app is built from index.html, with a service worker for offline use; Vitest runs unit tests
// in Node on the tfjs CPU backend.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), serviceWorker()],
  // The fault hooks (src/testHooks.d.ts) are compiled in only when asked for: the plain production
  // build has no way to crash its worker or lose its device on purpose.
  define: { __CAE_TEST_HOOKS__: JSON.stringify(process.env.CAE_TEST_HOOKS === '1') },
  worker: { format: 'es', plugins: () => [wasmThreads()] },
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/testing/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
