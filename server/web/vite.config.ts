// Vite build of the admin web app: server/web -> server/web/dist, served by server/routes/web.ts.
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [preact()],
  // ASCII-only output: no raw Unicode in the bundle whatever the source holds.
  esbuild: { charset: 'ascii' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite --config server/web/vite.config.ts` next to `npm start` for live editing.
    proxy: { '/api': 'http://localhost:8787' },
  },
})
