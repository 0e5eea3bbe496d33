// The scope-catalog registry: one reviewed data file per provider.
import type { Provider, ScopeCatalog } from '../../consent/types.ts'
import { GOOGLE_SCOPES } from './google.ts'
import { MICROSOFT_SCOPES } from './microsoft.ts'
import { GITHUB_SCOPES } from './github.ts'
import { SLACK_SCOPES } from './slack.ts'
import { ATLASSIAN_SCOPES } from './atlassian.ts'
import { SALESFORCE_SCOPES } from './salesforce.ts'
import { OKTA_SCOPES } from './okta.ts'
import { NOTION_SCOPES } from './notion.ts'
import { ZOOM_SCOPES } from './zoom.ts'
import { DROPBOX_SCOPES } from './dropbox.ts'
import { BOX_SCOPES } from './box.ts'
import { HUBSPOT_SCOPES } from './hubspot.ts'
import { ASANA_SCOPES } from './asana.ts'
import { LINEAR_SCOPES } from './linear.ts'

export const SCOPE_CATALOGS: Readonly<Record<Exclude<Provider, 'other'>, ScopeCatalog>> = {
  google: GOOGLE_SCOPES,
  microsoft: MICROSOFT_SCOPES,
  github: GITHUB_SCOPES,
  slack: SLACK_SCOPES,
  atlassian: ATLASSIAN_SCOPES,
  salesforce: SALESFORCE_SCOPES,
  okta: OKTA_SCOPES,
  notion: NOTION_SCOPES,
  zoom: ZOOM_SCOPES,
  dropbox: DROPBOX_SCOPES,
  box: BOX_SCOPES,
  hubspot: HUBSPOT_SCOPES,
  asana: ASANA_SCOPES,
  linear: LINEAR_SCOPES,
}
