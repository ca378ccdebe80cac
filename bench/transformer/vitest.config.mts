import { defineConfig } from 'vitest/config'

// The attention view's benchmark: `npx vitest run --config bench/transformer/vitest.config.mts`.
// It starts a real JupyterLab and Chromium like test/browser, and prints and saves its figures.
export default defineConfig({
  test: {
    include: ['bench/transformer/**/*.bench.ts'],
    testTimeout: 900_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
})
