/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The app is built from index.html; Vitest runs unit tests in Node on the tfjs CPU backend.
export default defineConfig({
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
