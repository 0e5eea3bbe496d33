// Linear OAuth 2.0 scopes, including the app:* scopes of agent (actor=app) installs.

import type { ScopeCatalog } from '../../consent/types.ts'

const OAUTH_DOC = 'https://linear.app/developers/oauth-2-0-authentication'
const AGENTS_DOC = 'https://linear.app/developers/agents'

export const LINEAR_SCOPES: ScopeCatalog = {
  provider: 'linear',
  source: OAUTH_DOC,
  entries: [
    {
      scope: 'read',
      resource: 'Linear workspace',
      access: 'read',
      description: 'Read all the issues, projects and comments you can see in Linear',
      risk: 'high',
      source: OAUTH_DOC,
    },
    {
      scope: 'write',
      resource: 'Linear workspace',
      access: 'write',
      description: 'Create, edit and delete issues, projects and comments as you',
      risk: 'critical',
      source: OAUTH_DOC,
    },
    {
      scope: 'issues:create',
      resource: 'Linear issues',
      access: 'write',
      description: 'Create Linear issues and attachments',
      risk: 'high',
      source: OAUTH_DOC,
    },
    {
      scope: 'comments:create',
      resource: 'Linear comments',
      access: 'write',
      description: 'Post comments on Linear issues',
      risk: 'high',
      source: OAUTH_DOC,
    },
    {
      scope: 'timeSchedule:write',
      resource: 'Linear time schedules',
      access: 'write',
      description: 'Create and change on-call time schedules',
      risk: 'medium',
      source: OAUTH_DOC,
    },
    {
      scope: 'admin',
      resource: 'Linear workspace',
      access: 'admin',
      description: 'Use admin-level Linear API endpoints for your whole workspace',
      risk: 'critical',
      source: OAUTH_DOC,
    },
    {
      scope: 'app:assignable',
      resource: 'Linear agents',
      access: 'write',
      description: 'Let the app be assigned (delegated) Linear issues as an agent',
      risk: 'medium',
      source: AGENTS_DOC,
    },
    {
      scope: 'app:mentionable',
      resource: 'Linear agents',
      access: 'write',
      description: 'Let people @mention the app in Linear issues and documents',
      risk: 'medium',
      source: AGENTS_DOC,
    },
  ],
}
