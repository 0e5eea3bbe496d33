// WXT build of the Consentry extension (MV3, Chrome and Firefox, Preact UI).
import preact from '@preact/preset-vite'
import { defineConfig } from 'wxt'
import { observedHostPatterns } from '../shared/consent/idp-match-patterns.ts'

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  outDir: '.output',
  vite: () => ({
    plugins: [preact()],
    // Chrome refuses content scripts that are not valid UTF-8; ASCII output is always safe.
    esbuild: { charset: 'ascii' },
  }),
  hooks: {
    'build:manifestGenerated': (wxt, manifest) => {
      const gecko = (
        manifest as { browser_specific_settings?: { gecko?: Record<string, unknown> } }
      ).browser_specific_settings?.gecko
      // What leaves the browser: AI-site visits (per domain and day) and the account email a
      // consent names. Firefox asks extensions to declare it (WXT's types do not know the key yet).
      if (gecko)
        gecko.data_collection_permissions = {
          required: ['browsingActivity', 'personallyIdentifyingInfo'],
        }
    },
  },
  manifest: ({ browser }) => ({
    name: 'Consentry',
    description:
      'Shows what an app gets when you click "Allow", and tells your IT team about AI tools you connect.',
    version: '0.1.0',
    // Observe navigations (never block or modify them) to see consent screens and their outcome.
    permissions: ['webNavigation', 'webRequest', 'storage', 'alarms'],
    // Only identity-provider hosts: to see the redirect that carries a consent's outcome and to
    // show the warning on the consent page. Generated from the parser's own IdP registry.
    host_permissions: observedHostPatterns(),
    // Asked for only if the organisation wants installed AI extensions reported.
    optional_permissions: ['management'],
    storage: { managed_schema: 'managed_schema.json' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'consentry@consentry.dev', strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
})
