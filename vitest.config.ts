// Vitest configuration: one run covers every suite in the repository, in three projects: Node
// (shared, server, test), the extension (WXT's fake browser, fake IndexedDB, happy-dom) and the
// admin web app (Preact on happy-dom).
import preact from '@preact/preset-vite'
import { configDefaults, defineConfig } from 'vitest/config'
import { WxtVitest } from 'wxt/testing/vitest-plugin'

export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'server/web/**'],
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
      {
        plugins: [preact()],
        test: {
          name: 'web',
          root: 'server/web',
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: ['node_modules/**', 'dist/**'],
          environment: 'happy-dom',
        },
      },
    ],
  },
})
