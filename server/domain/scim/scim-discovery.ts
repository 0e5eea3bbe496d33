// What the SCIM service provider supports (RFC 7643 §5-7, RFC 7644 §4): the ServiceProviderConfig,
// the User resource type, and the User, EnterpriseUser and Consentry extension schemas limited to
// the attributes Consentry keeps. Entra reads /Schemas to offer attributes for mapping.
import { CONSENTRY_USER_SCHEMA, CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from './scim-filter.ts'
import { listResponse } from './scim-list-response.ts'
import { MAX_PAGE } from './scim-user-query.ts'

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType'
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema'

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'A SCIM token created by a Consentry owner or admin under Settings > Leaver feeds.',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`,
    },
  }
}

export function userResourceType(baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A person of the organisation whose consents Consentry inventories',
    schema: CORE_USER_SCHEMA,
    schemaExtensions: [
      { schema: ENTERPRISE_USER_SCHEMA, required: false },
      { schema: CONSENTRY_USER_SCHEMA, required: false },
    ],
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  }
}

export const resourceTypes = (baseUrl: string) => listResponse([userResourceType(baseUrl)], 1)

interface SchemaAttribute {
  name: string
  type: string
  multiValued: boolean
  description: string
  required: boolean
  caseExact: boolean
  mutability: string
  returned: string
  uniqueness: string
  subAttributes?: SchemaAttribute[]
  referenceTypes?: string[]
}

interface AttributeOptions {
  type?: 'string' | 'boolean' | 'complex' | 'reference'
  multiValued?: boolean
  required?: boolean
  caseExact?: boolean
  mutability?: 'readOnly' | 'readWrite' | 'immutable'
  uniqueness?: 'none' | 'server'
  subAttributes?: SchemaAttribute[]
  referenceTypes?: string[]
}

function attribute(
  name: string,
  description: string,
  options: AttributeOptions = {}
): SchemaAttribute {
  const { subAttributes, referenceTypes, ...rest } = options
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...rest,
    ...(subAttributes ? { subAttributes } : {}),
    ...(referenceTypes ? { referenceTypes } : {}),
  }
}

const userAttributes = [
  attribute('userName', 'Unique identifier of the User; usually the work email.', {
    required: true,
    uniqueness: 'server',
  }),
  attribute('name', "The User's name; stored as one full name.", {
    type: 'complex',
    subAttributes: [
      attribute('formatted', 'The full name.'),
      attribute('familyName', 'The family name.'),
      attribute('givenName', 'The given name.'),
      attribute('middleName', 'The middle name.'),
    ],
  }),
  attribute('displayName', 'The name to display; used when no name is given.'),
  attribute('active', 'false makes the person a leaver effective today.', { type: 'boolean' }),
  attribute('emails', 'Email addresses; all of them count as the person for consent grants.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The email address.'),
      attribute('type', 'work or other.'),
      attribute('primary', 'The primary email.', { type: 'boolean' }),
    ],
  }),
]

const enterpriseAttributes = [
  attribute('department', 'The department.'),
  attribute('manager', "The User's manager.", {
    type: 'complex',
    subAttributes: [
      attribute('value', 'The id of the manager (or their email).'),
      attribute('$ref', 'The URI of the manager.', {
        type: 'reference',
        referenceTypes: ['User'],
      }),
      attribute('displayName', 'The name or email of the manager.', { mutability: 'readOnly' }),
    ],
  }),
]

const consentryAttributes = [
  attribute(
    'githubLogin',
    "The User's GitHub login (1-39 letters, digits or single hyphens): GitHub's organization APIs find a member by login, never by email, so revoking their GitHub grants needs it.",
    { caseExact: false }
  ),
]

function schema(
  baseUrl: string,
  id: string,
  name: string,
  description: string,
  attributes: unknown[]
) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
  }
}

export function userSchemas(baseUrl: string) {
  return [
    schema(baseUrl, CORE_USER_SCHEMA, 'User', 'User Account', userAttributes),
    schema(
      baseUrl,
      ENTERPRISE_USER_SCHEMA,
      'EnterpriseUser',
      'Enterprise User',
      enterpriseAttributes
    ),
    schema(baseUrl, CONSENTRY_USER_SCHEMA, 'ConsentryUser', 'Consentry User', consentryAttributes),
  ]
}

export const schemasList = (baseUrl: string) => {
  const all = userSchemas(baseUrl)
  return listResponse(all, all.length)
}
