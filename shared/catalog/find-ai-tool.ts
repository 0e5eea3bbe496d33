// Finds the AI tool behind a consent by client id, redirect host or vendor domain; never guesses.
import { AI_TOOLS } from './ai-tools.ts'
import type { AiTool, AppMatch, ConsentRequest } from '../consent/types.ts'

interface ToolIndex {
  byClientId: Map<string, AiTool>
  byRedirectHost: Map<string, AiTool>
  byDomain: Map<string, AiTool>
  byExtensionId: Map<string, AiTool>
}

let cached: ToolIndex | null = null

function toolIndex(): ToolIndex {
  if (cached) return cached
  const idx: ToolIndex = {
    byClientId: new Map(),
    byRedirectHost: new Map(),
    byDomain: new Map(),
    byExtensionId: new Map(),
  }
  for (const tool of AI_TOOLS) {
    for (const c of tool.clientIds) idx.byClientId.set(`${c.provider}:${c.clientId}`, tool)
    for (const h of tool.redirectHosts) idx.byRedirectHost.set(h.toLowerCase(), tool)
    for (const d of tool.domains) idx.byDomain.set(d.toLowerCase(), tool)
    for (const x of tool.extensionIds) idx.byExtensionId.set(x, tool)
  }
  cached = idx
  return idx
}

/** The tool owning `host` or one of its parent domains, with the catalog domain that matched. */
export function findAiToolDomain(host: string): { tool: AiTool; domain: string } | null {
  const { byDomain } = toolIndex()
  let h = host.toLowerCase()
  for (;;) {
    const tool = byDomain.get(h)
    if (tool) return { tool, domain: h }
    const dot = h.indexOf('.')
    if (dot === -1 || h.indexOf('.', dot + 1) === -1) return null
    h = h.slice(dot + 1)
  }
}

/** The tool owning `host` or one of its parent domains. */
export function findAiToolByHost(host: string): AiTool | null {
  return findAiToolDomain(host)?.tool ?? null
}

/** The tool whose browser extension has this id. */
export function findAiToolByExtensionId(extensionId: string): AiTool | null {
  return toolIndex().byExtensionId.get(extensionId) ?? null
}

function matchOf(tool: AiTool, matchedBy: AppMatch['matchedBy']): AppMatch {
  return {
    matchedBy,
    toolId: tool.id,
    name: tool.name,
    vendor: tool.vendor,
    isAi: true,
    category: tool.category,
  }
}

export const UNKNOWN_APP: AppMatch = {
  matchedBy: 'unknown',
  toolId: null,
  name: null,
  vendor: null,
  isAi: false,
  category: null,
}

export function findAiTool(req: ConsentRequest): AppMatch {
  const idx = toolIndex()
  if (req.clientId && req.provider !== 'other') {
    const tool = idx.byClientId.get(`${req.provider}:${req.clientId}`)
    if (tool) return matchOf(tool, 'client_id')
  }
  if (req.redirectHost) {
    const tool = idx.byRedirectHost.get(req.redirectHost)
    if (tool) return matchOf(tool, 'redirect_host')
    const byDomain = findAiToolByHost(req.redirectHost)
    if (byDomain) return matchOf(byDomain, 'vendor_domain')
  }
  return UNKNOWN_APP
}
