// Background service worker: all runtime code is in lib/background-app.ts; this only starts it.
import { defineBackground } from '#imports'
import browser from 'webextension-polyfill'
import { startBackground } from '../lib/background-app.ts'

export default defineBackground({
  type: 'module',
  main() {
    startBackground({
      browser,
      fetch: (input, init) => fetch(input, init),
      version: browser.runtime.getManifest().version,
      browserName: import.meta.env.BROWSER,
    })
  },
})
