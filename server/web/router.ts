// A small history-API router: the current path and query, navigation, and route matching.
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set<() => void>()

function notify() {
  for (const listener of listeners) listener()
}

/** Go to an in-app URL (path and query); `replace` keeps the history entry (filters, sorting). */
export function navigate(href: string, options: { replace?: boolean } = {}) {
  const current = location.pathname + location.search
  if (href === current) return
  if (options.replace) history.replaceState(null, '', href)
  else {
    history.pushState(null, '', href)
    window.scrollTo?.(0, 0)
  }
  notify()
}

export interface Location {
  path: string
  search: string
  query: URLSearchParams
}

function read(): Location {
  return {
    path: location.pathname,
    search: location.search,
    query: new URLSearchParams(location.search),
  }
}

export function useLocation(): Location {
  const [where, setWhere] = useState(read)
  useEffect(() => {
    const update = () => setWhere(read())
    listeners.add(update)
    window.addEventListener('popstate', update)
    update()
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return where
}

/** Params of `pattern` ('/apps/:id') in `path`, or null when it does not match. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const got = path.split('/').filter(Boolean)
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string
    const g = got[i] as string
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g)
    else if (w !== g) return null
  }
  return params
}

/** A plain left click that the app should handle instead of the browser. */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey
}
