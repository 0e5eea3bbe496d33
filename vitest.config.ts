// Vitest configuration: one run covers every suite in the repository, in two projects: Node
// (shared, server, test) and the extension (WXT's fake browser, fake IndexedDB, happy-dom).
import { defineConfig } from 'vitest/config'
import { WxtVitest } from 'wxt/testing/vitest-plugin'

export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [WxtVitest({ root: 'extension' })],
        test: {
          name: 'extension',
          root: 'extension',
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: ['node_modules/**', '.output/**', '.wxt/**'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
    ],
  },
})
