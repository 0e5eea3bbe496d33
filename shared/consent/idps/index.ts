// The identity-provider registry: one rule per provider, looked up by host in parseConsentUrl.
import type { IdpRule } from './rule.ts'
import { google } from './google.ts'
import { microsoft } from './microsoft.ts'
import { github } from './github.ts'
import { slack } from './slack.ts'
import { okta } from './okta.ts'
import { atlassian } from './atlassian.ts'
import { salesforce } from './salesforce.ts'
import { notion } from './notion.ts'
import { zoom } from './zoom.ts'
import { dropbox } from './dropbox.ts'
import { box } from './box.ts'
import { hubspot } from './hubspot.ts'
import { asana } from './asana.ts'
import { linear } from './linear.ts'

export type { IdpRule } from './rule.ts'

export const IDP_RULES: readonly IdpRule[] = [
  google,
  microsoft,
  github,
  slack,
  okta,
  atlassian,
  salesforce,
  notion,
  zoom,
  dropbox,
  box,
  hubspot,
  asana,
  linear,
]
