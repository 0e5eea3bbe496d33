// The connector registry: one entry per provider (its credentials schema and factory).
import type { z } from 'zod'
import { createGithubConnector, GithubCredentials } from './github.ts'
import { createGoogleConnector, GoogleCredentials } from './google.ts'
import { createMicrosoftConnector, MicrosoftCredentials } from './microsoft.ts'
import { createOktaConnector, OktaCredentials } from './okta.ts'
import { createSlackConnector, SlackCredentials } from './slack.ts'
import type { ConnectorOptions, ProviderConnector, ProviderId } from './types.ts'

export interface ProviderEntry {
  name: string
  credentials: z.ZodType
  create(opts: ConnectorOptions<never>): ProviderConnector
}

export const PROVIDER_REGISTRY: Record<ProviderId, ProviderEntry> = {
  google: {
    name: 'Google Workspace',
    credentials: GoogleCredentials,
    create: (o) => createGoogleConnector(o as never),
  },
  microsoft: {
    name: 'Microsoft Entra ID',
    credentials: MicrosoftCredentials,
    create: (o) => createMicrosoftConnector(o as never),
  },
  github: {
    name: 'GitHub',
    credentials: GithubCredentials,
    create: (o) => createGithubConnector(o as never),
  },
  slack: {
    name: 'Slack',
    credentials: SlackCredentials,
    create: (o) => createSlackConnector(o as never),
  },
  okta: {
    name: 'Okta',
    credentials: OktaCredentials,
    create: (o) => createOktaConnector(o as never),
  },
}
