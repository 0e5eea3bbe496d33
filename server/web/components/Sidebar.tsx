// The navigation sidebar: the organisation, the pages, and who is signed in with Logout.
import type { Me } from '../api-types.ts'
import { ROLE_LABELS } from '../state.ts'
import { Icon, type IconName } from './Icon.tsx'
import { Link } from './Link.tsx'

const NAV: { href: string; label: string; icon: IconName }[] = [
  { href: '/', label: 'Overview', icon: 'overview' },
  { href: '/apps', label: 'Apps', icon: 'apps' },
  { href: '/people', label: 'People', icon: 'people' },
  { href: '/leavers', label: 'Leavers', icon: 'leavers' },
  { href: '/requests', label: 'Requests', icon: 'requests' },
  { href: '/devices', label: 'Devices & enrollment', icon: 'devices' },
  { href: '/revocations', label: 'Revocations', icon: 'revocations' },
  { href: '/connections', label: 'Connections', icon: 'connections' },
  { href: '/audit', label: 'Audit log', icon: 'audit' },
  { href: '/settings', label: 'Settings', icon: 'settings' },
]

export function isActive(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`)
}

export function Sidebar({ me, path, onLogout }: { me: Me; path: string; onLogout(): void }) {
  return (
    <aside class="sidebar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">
          <Icon name="shield" size={18} />
        </span>
        <div class="brand-text">
          <span class="brand-name">Consentry</span>
          <span class="brand-org" title={me.orgName}>
            {me.orgName}
          </span>
        </div>
      </div>
      <nav class="nav" aria-label="Main">
        {NAV.map((item) => (
          <Link
            key={item.href}
            href={item.href}
            class={isActive(item.href, path) ? 'nav-link active' : 'nav-link'}
            aria-current={isActive(item.href, path) ? 'page' : undefined}
          >
            <Icon name={item.icon} />
            <span>{item.label}</span>
          </Link>
        ))}
      </nav>
      <div class="whoami">
        <div class="whoami-text">
          <span class="whoami-name" title={me.email}>
            {me.name || me.email}
          </span>
          <span class="whoami-role">{ROLE_LABELS[me.role]}</span>
        </div>
        <button type="button" class="btn btn-ghost btn-sm" onClick={onLogout}>
          <Icon name="logout" size={14} />
          Logout
        </button>
      </div>
    </aside>
  )
}
