// End-to-end tests: the built app served by `vite preview`, driven in Debian's Chromium with
// WebGPU on SwiftShader (see ../shared/DESIGN.md), no GPU needed.
import { defineConfig } from '@playwright/test';
import { CHROMIUM, WEBGPU_ARGS } from './e2e/chromium';

// E2E_PORT lets several checkouts on one machine run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: CHROMIUM, args: WEBGPU_ARGS },
    headless: true,
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
