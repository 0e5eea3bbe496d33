// Notion integration capabilities, listed as scopes (Notion has no OAuth scopes).

import type { ScopeCatalog } from '../../consent/types.ts'

const CAPABILITIES = 'https://developers.notion.com/reference/capabilities'

// Notion authorize URLs (api.notion.com/v1/oauth/authorize) carry no scope parameter: what an
// integration may do is set by the capabilities chosen in its settings, and what it may see by the
// pages the user picks on the consent screen. The names below are the snake_case capability keys
// (read_content, insert_comments...) used for those settings.
export const NOTION_SCOPES: ScopeCatalog = {
  provider: 'notion',
  source: CAPABILITIES,
  entries: [
    {
      scope: 'read_content',
      resource: 'Notion pages',
      access: 'read',
      description: 'Read the Notion pages and databases you share with the app',
      risk: 'high',
      source: CAPABILITIES,
    },
    {
      scope: 'update_content',
      resource: 'Notion pages',
      access: 'write',
      description: 'Edit the Notion pages and databases you share with the app',
      risk: 'high',
      source: CAPABILITIES,
    },
    {
      scope: 'insert_content',
      resource: 'Notion pages',
      access: 'write',
      description: 'Create new pages and content inside what you share with the app',
      risk: 'high',
      source: CAPABILITIES,
    },
    {
      scope: 'read_comments',
      resource: 'Notion comments',
      access: 'read',
      description: 'Read comments on the Notion pages you share with the app',
      risk: 'medium',
      source: CAPABILITIES,
    },
    {
      scope: 'insert_comments',
      resource: 'Notion comments',
      access: 'write',
      description: 'Post comments on Notion pages as the app',
      risk: 'medium',
      source: CAPABILITIES,
    },
    {
      scope: 'read_user_with_email',
      resource: 'Notion users',
      access: 'read',
      description: 'See the names and email addresses of people in your workspace',
      risk: 'medium',
      source: CAPABILITIES,
    },
    {
      scope: 'read_user_without_email',
      resource: 'Notion users',
      access: 'read',
      description: 'See the names and profile photos of people in your workspace',
      risk: 'low',
      source: CAPABILITIES,
    },
  ],
}
