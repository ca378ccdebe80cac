import { defineConfig } from 'vitest/config'

// The extension's benchmarks: `npx vitest run --config bench/extension/vitest.config.mts`.
// They start a real JupyterLab and Chromium like test/browser, and print and save their figures.
export default defineConfig({
  test: {
    include: ['bench/extension/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
  },
})
