// Toolbar popup: mounts the Popup component.
import { render } from 'preact'
import { Popup } from './Popup.tsx'

render(<Popup />, document.getElementById('app') as HTMLElement)
