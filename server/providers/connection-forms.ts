// What the Connections page asks for, per provider: each credential field in words (the zod schema
// beside each connector stays the judge of what is valid), and the base URLs one may override.
import { GITHUB_DEFAULT_BASE_URLS } from './github.ts'
import { GOOGLE_DEFAULT_BASE_URLS } from './google.ts'
import { MICROSOFT_DEFAULT_BASE_URLS } from './microsoft.ts'
import { SLACK_DEFAULT_BASE_URLS } from './slack.ts'
import { PROVIDER_REGISTRY } from './index.ts'
import { PROVIDER_IDS, type ProviderId } from './types.ts'

export interface FormField {
  key: string
  label: string
  type: 'text' | 'secret' | 'textarea' | 'number' | 'boolean'
  required: boolean
  help: string
  /** What the provider's schema assumes when a yes/no field is left out. */
  default?: boolean
}

export interface ConnectionForm {
  id: ProviderId
  name: string
  description: string
  docsUrl: string
  fields: FormField[]
  baseUrlKeys: Array<{ key: string; label: string; default: string | null }>
}

const FORMS: Record<ProviderId, Omit<ConnectionForm, 'id' | 'name'>> = {
  google: {
    description:
      'A service account with domain-wide delegation for https://www.googleapis.com/auth/admin.directory.user.security, acting as a super admin. Consentry lists, deletes and re-lists users’ OAuth tokens (Admin SDK Directory API).',
    docsUrl: 'https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens',
    fields: [
      {
        key: 'client_email',
        label: 'Service account email',
        type: 'text',
        required: true,
        help: 'client_email from the JSON key file',
      },
      {
        key: 'private_key_id',
        label: 'Private key ID',
        type: 'text',
        required: true,
        help: 'private_key_id from the JSON key file',
      },
      {
        key: 'private_key',
        label: 'Private key',
        type: 'secret',
        required: true,
        help: 'private_key from the JSON key file (the PEM block)',
      },
      {
        key: 'adminEmail',
        label: 'Super admin to act as',
        type: 'text',
        required: true,
        help: 'The delegated calls run as this admin',
      },
    ],
    baseUrlKeys: [
      { key: 'oauth2', label: 'Token endpoint', default: GOOGLE_DEFAULT_BASE_URLS.oauth2 },
      { key: 'admin', label: 'Admin SDK', default: GOOGLE_DEFAULT_BASE_URLS.admin },
    ],
  },
  microsoft: {
    description:
      'An app registration with the application permissions Directory.Read.All and DelegatedPermissionGrant.ReadWrite.All (admin-consented). Consentry deletes a user’s delegated permission grants; tenant-wide grants are left for an admin decision.',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-delete',
    fields: [
      {
        key: 'tenantId',
        label: 'Directory (tenant) ID',
        type: 'text',
        required: true,
        help: 'A GUID or a verified domain',
      },
      {
        key: 'clientId',
        label: 'Application (client) ID',
        type: 'text',
        required: true,
        help: 'The app registration’s GUID',
      },
      {
        key: 'clientSecret',
        label: 'Client secret',
        type: 'secret',
        required: true,
        help: 'The secret’s Value, not its Secret ID',
      },
    ],
    baseUrlKeys: [
      { key: 'login', label: 'Sign-in endpoint', default: MICROSOFT_DEFAULT_BASE_URLS.login },
      { key: 'graph', label: 'Microsoft Graph', default: MICROSOFT_DEFAULT_BASE_URLS.graph },
    ],
  },
  github: {
    description:
      'An organization owner’s token (read:org, admin:org) or a GitHub App installation token. GitHub finds members by login: set each person’s GitHub login on their page.',
    docsUrl:
      'https://docs.github.com/en/rest/orgs/orgs#list-saml-sso-authorizations-for-an-organization',
    fields: [
      {
        key: 'org',
        label: 'Organization',
        type: 'text',
        required: true,
        help: 'The login in github.com/<org>',
      },
      {
        key: 'token',
        label: 'Token',
        type: 'secret',
        required: true,
        help: 'Owner token or App installation token',
      },
      {
        key: 'credentialAuthorizations',
        label: 'SAML SSO credential authorizations',
        type: 'boolean',
        required: false,
        help: 'GitHub Enterprise Cloud organizations with SAML SSO',
        default: true,
      },
      {
        key: 'fineGrainedTokens',
        label: 'Fine-grained personal access tokens',
        type: 'boolean',
        required: false,
        help: 'Needs a GitHub App token with the “Personal access tokens” organization permission',
        default: true,
      },
    ],
    baseUrlKeys: [{ key: 'api', label: 'REST API', default: GITHUB_DEFAULT_BASE_URLS.api }],
  },
  slack: {
    description:
      'An org admin’s user token (xoxp-) from an app installed on the Enterprise Grid org with admin.apps:read, admin.apps:write and users:read.email. Slack apps are workspace-wide: uninstalling one removes it for everyone.',
    docsUrl: 'https://docs.slack.dev/reference/methods/admin.apps.uninstall',
    fields: [
      { key: 'token', label: 'Admin user token', type: 'secret', required: true, help: 'xoxp-…' },
      {
        key: 'enterpriseId',
        label: 'Enterprise ID',
        type: 'text',
        required: false,
        help: 'E0123ABCD (set this or the team ID)',
      },
      {
        key: 'teamId',
        label: 'Team ID',
        type: 'text',
        required: false,
        help: 'T0123ABCD (set this or the enterprise ID)',
      },
      {
        key: 'allowUninstall',
        label: 'Allow uninstalling apps',
        type: 'boolean',
        required: false,
        help: 'Off: revoking a Slack app waits for an admin decision',
        default: false,
      },
    ],
    baseUrlKeys: [{ key: 'api', label: 'Web API', default: SLACK_DEFAULT_BASE_URLS.api }],
  },
  okta: {
    description:
      'An API token of an admin allowed to manage users. Consentry lists and revokes a user’s grants and per-app refresh tokens.',
    docsUrl:
      'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserGrant/',
    fields: [
      {
        key: 'orgUrl',
        label: 'Org URL',
        type: 'text',
        required: true,
        help: 'https://acme.okta.com',
      },
      {
        key: 'apiToken',
        label: 'API token',
        type: 'secret',
        required: true,
        help: 'Security › API › Tokens',
      },
    ],
    baseUrlKeys: [{ key: 'org', label: 'Org URL override', default: null }],
  },
}

export function connectionForms(): ConnectionForm[] {
  return PROVIDER_IDS.map((id) => ({ id, name: PROVIDER_REGISTRY[id].name, ...FORMS[id] }))
}
