// Background service worker: all runtime code is in lib/background-app.ts; this only starts it.
import { browser, defineBackground } from '#imports'
import { startBackground } from '../lib/background-app.ts'

export default defineBackground({
  type: 'module',
  main() {
    startBackground({ browser, fetch: (input, init) => fetch(input, init) })
  },
})
