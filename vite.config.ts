/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
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
        `script-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
        "worker-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
      ].join('; ');
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }];
    },
  };
}

// The app is built from index.html; Vitest runs unit tests in Node on the tfjs CPU backend.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/testing/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
