// An in-app link: a real <a href> (open in new tab works) that navigates without a reload.
import type { ComponentChildren } from 'preact'
import { isPlainClick, navigate } from '../router.ts'

interface Props {
  href: string
  children: ComponentChildren
  class?: string
  title?: string
  tabIndex?: number
  'aria-current'?: 'page'
  'aria-label'?: string
}

export function Link({ href, children, ...rest }: Props) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        if (event.defaultPrevented || !isPlainClick(event)) return
        event.preventDefault()
        navigate(href)
      }}
    >
      {children}
    </a>
  )
}
