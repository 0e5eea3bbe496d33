// Keeps the registries complete and shared/ pure: every provider has a rule and a scope catalog,
// every catalog entry cites its source, and shared/ imports nothing platform-specific.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AI_TOOLS } from '../shared/catalog/ai-tools.ts'
import { SCOPE_CATALOGS } from '../shared/catalog/scopes/index.ts'
import { IDP_RULES } from '../shared/consent/idps/index.ts'
import { AI_TOOL_CATEGORIES, PROVIDERS } from '../shared/consent/types.ts'

const root = join(import.meta.dirname, '..')

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

const isPublicUrl = (s: string) => /^https:\/\/[a-z0-9.-]+\.[a-z]{2,}(\/|$)/i.test(s)

describe('shared/ stays pure', () => {
  const sources = filesUnder(join(root, 'shared')).filter(
    (f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts')
  )
  it.each(sources.map((f) => relative(root, f)))(
    '%s imports no Node, DOM-framework or runtime-specific module',
    (file) => {
      const text = readFileSync(join(root, file), 'utf8')
      const imports = [...text.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '')
      for (const spec of imports) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(
          /^(node:|fs$|path$|hono|dexie|wxt|#imports|preact|drizzle|@electric-sql|postgres)/
        )
      }
      expect(text).not.toMatch(/\b(document|window|localStorage|process)\./)
    }
  )
})

describe('registries', () => {
  const providers = PROVIDERS.filter((p) => p !== 'other')
  it.each(providers)('%s has an IdP rule and a scope catalog', (provider) => {
    expect(IDP_RULES.some((r) => r.provider === provider)).toBe(true)
    expect(SCOPE_CATALOGS[provider].provider).toBe(provider)
    expect(SCOPE_CATALOGS[provider].entries.length).toBeGreaterThan(0)
  })

  it.each(providers)('every %s scope entry is unique and cites a public source', (provider) => {
    const catalog = SCOPE_CATALOGS[provider]
    expect(isPublicUrl(catalog.source)).toBe(true)
    const seen = new Set<string>()
    for (const entry of catalog.entries) {
      expect(seen.has(entry.scope.toLowerCase()), `${entry.scope} twice`).toBe(false)
      seen.add(entry.scope.toLowerCase())
      expect(isPublicUrl(entry.source), `${entry.scope}: ${entry.source}`).toBe(true)
      expect(entry.description.length).toBeGreaterThan(5)
    }
  })
})

describe('AI-tool catalog', () => {
  it('lists at least 80 AI tools', () => {
    expect(AI_TOOLS.length).toBeGreaterThanOrEqual(80)
  })

  it('has unique ids, domains and redirect hosts', () => {
    for (const key of ['id'] as const) {
      expect(new Set(AI_TOOLS.map((t) => t[key])).size).toBe(AI_TOOLS.length)
    }
    const domains = AI_TOOLS.flatMap((t) => t.domains)
    expect(new Set(domains).size).toBe(domains.length)
    const clientIds = AI_TOOLS.flatMap((t) => t.clientIds.map((c) => `${c.provider}:${c.clientId}`))
    expect(new Set(clientIds).size).toBe(clientIds.length)
  })

  it.each(AI_TOOLS.map((t) => [t.id, t] as const))(
    '%s is complete and cites its sources',
    (_id, tool) => {
      expect(AI_TOOL_CATEGORIES).toContain(tool.category)
      // An entry nothing can match is dead data.
      expect(
        tool.domains.length + tool.redirectHosts.length + tool.clientIds.length
      ).toBeGreaterThan(0)
      for (const d of [...tool.domains, ...tool.redirectHosts]) expect(d).toMatch(/^[a-z0-9.-]+$/)
      expect(isPublicUrl(tool.source)).toBe(true)
      for (const c of tool.clientIds) expect(isPublicUrl(c.source), c.clientId).toBe(true)
    }
  )
})
