import { defineConfig } from 'vitest/config'

// One vitest run covers the library, the kernel's TypeScript side and the extension's pure renderers.
// Suites that need a running JupyterLab or Jupyter client live in their own folders and are chosen
// by scripts/test-all.mjs; see the README's "Tests" section.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
