// SCIM PATCH on the User model: every form Okta and Entra document applies as they mean it,
// ops and names in any case; paths Consentry cannot honour are refused with the RFC's scimType.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENTERPRISE_USER_SCHEMA } from './scim-filter.ts'
import { applyScimPatch, PatchOpBody } from './scim-patch.ts'
import type { ScimUserModel } from './scim-user.ts'

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/scim')
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown

const joy: ScimUserModel = {
  userName: 'jyoung@testuser.com',
  externalId: 'jyoung',
  name: { formatted: 'Joy Young', givenName: 'Joy', middleName: null, familyName: 'Young' },
  displayName: 'Joy Young',
  emails: [{ value: 'jyoung@testuser.com', type: 'work', primary: true }],
  active: null,
  department: 'Sales',
  manager: { value: 'm-1', displayName: 'boss@testuser.com' },
}

function patch(body: unknown, from: ScimUserModel = joy): ScimUserModel {
  const result = applyScimPatch(from, PatchOpBody.parse(body))
  if (!result.ok) throw new Error(result.detail)
  return result.value
}

function refusal(body: unknown, from: ScimUserModel = joy) {
  const result = applyScimPatch(from, PatchOpBody.parse(body))
  if (result.ok) throw new Error('expected the patch to be refused')
  return result
}

const op = (o: Record<string, unknown>) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [o],
})

describe('applyScimPatch with documented requests', () => {
  it.each([
    ['okta/deactivate-user.json', false],
    ['okta/reactivate-user.json', true],
    ['entra/disable-user.json', false],
    ['entra/disable-user-legacy.json', false],
  ])('%s sets active to %s', (file, active) => {
    expect(patch(fixture(file)).active).toBe(active)
  })

  it('entra/update-multi-valued.json replaces the work email and the family name', () => {
    expect(patch(fixture('entra/update-multi-valued.json'))).toMatchObject({
      emails: [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }],
      name: { givenName: 'Joy', familyName: 'updatedFamilyName' },
    })
  })

  it('entra/update-single-valued.json replaces the userName', () => {
    expect(patch(fixture('entra/update-single-valued.json')).userName).toBe(
      '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com'
    )
  })

  it('entra/replace-multiple-legacy.json replaces each path and ignores employeeNumber', () => {
    expect(patch(fixture('entra/replace-multiple-legacy.json'))).toEqual({
      ...joy,
      displayName: 'Pvlo',
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
      name: { formatted: 'Joy Young', givenName: 'Gtfd', middleName: null, familyName: 'Pkqf' },
      externalId: 'Eqpj',
    })
  })

  it('entra/replace-multiple-compliant.json reads dotted and URN keys of a path-less value', () => {
    expect(patch(fixture('entra/replace-multiple-compliant.json'))).toMatchObject({
      displayName: 'Bjfe',
      emails: [{ value: 'TestMhvaes@test.microsoft.com' }],
      name: { givenName: 'Kkom', familyName: 'Unua' },
    })
  })

  it('entra/add-single-value-legacy.json (nickName) changes nothing Consentry keeps', () => {
    expect(patch(fixture('entra/add-single-value-legacy.json'))).toEqual(joy)
  })

  it('entra/add-manager.json sets the manager from a one-element list', () => {
    expect(patch(fixture('entra/add-manager.json')).manager).toEqual({
      value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      displayName: null,
    })
  })

  it('entra/replace-manager.json sets the manager from a bare id, and the department', () => {
    expect(patch(fixture('entra/replace-manager.json'))).toMatchObject({
      manager: { value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' },
      department: 'Finance',
    })
  })

  it('entra/add-work-email.json adds a work email where none exists', () => {
    const noWork = { ...joy, emails: [{ value: 'x@home.example', type: 'home', primary: false }] }
    expect(patch(fixture('entra/add-work-email.json'), noWork)).toMatchObject({
      emails: [
        { value: 'x@home.example', type: 'home', primary: false },
        { value: 'joy.young@contoso.com', type: 'work', primary: false },
      ],
      name: { givenName: 'Joyce', familyName: 'Young' },
    })
  })

  it('entra/remove-attributes.json clears manager, department and externalId', () => {
    expect(patch(fixture('entra/remove-attributes.json'))).toMatchObject({
      manager: null,
      department: null,
      externalId: null,
    })
  })
})

describe('applyScimPatch semantics', () => {
  it('reads ops and attribute names in any case', () => {
    expect(patch(op({ op: 'REPLACE', path: 'USERNAME', value: 'x@y.example' })).userName).toBe(
      'x@y.example'
    )
    expect(patch(op({ Op: 'Replace', Path: 'Active', Value: 'TRUE' })).active).toBe(true)
  })

  it('a new formatted name alone replaces the parts guessed from the stored name', () => {
    expect(
      patch(op({ op: 'replace', path: 'name.formatted', value: 'Joy Young-Smith' })).name
    ).toEqual({
      formatted: 'Joy Young-Smith',
      givenName: null,
      middleName: null,
      familyName: null,
    })
  })

  it('merges a name object into the name (RFC 7644 §3.5.2.3)', () => {
    expect(
      patch(op({ op: 'replace', path: 'name', value: { givenName: 'Jo' } })).name
    ).toMatchObject({
      givenName: 'Jo',
      familyName: 'Young',
    })
  })

  it('replaces, adds and removes whole email lists', () => {
    const two = [
      { value: 'a@x.example', type: 'work', primary: true },
      { value: 'b@x.example', type: 'other' },
    ]
    const replaced = patch(op({ op: 'replace', path: 'emails', value: two }))
    expect(replaced.emails.map((e) => [e.value, e.primary])).toEqual([
      ['a@x.example', true],
      ['b@x.example', false],
    ])
    const added = patch(
      op({ op: 'add', path: 'emails', value: [{ value: 'c@x.example' }] }),
      replaced
    )
    expect(added.emails).toHaveLength(3)
    const removedOne = patch(op({ op: 'remove', path: 'emails[value eq "b@x.example"]' }), added)
    expect(removedOne.emails.map((e) => e.value)).toEqual(['a@x.example', 'c@x.example'])
    expect(patch(op({ op: 'remove', path: 'emails' }), added).emails).toEqual([])
  })

  it('keeps one primary email when a new one is marked primary', () => {
    const result = patch(
      op({ op: 'add', path: 'emails', value: [{ value: 'new@x.example', primary: true }] })
    )
    expect(result.emails.filter((e) => e.primary).map((e) => e.value)).toEqual(['new@x.example'])
  })

  it('sets the manager through manager.value and the enterprise object without a path', () => {
    expect(
      patch(op({ op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:manager.value`, value: 'm-2' }))
        .manager
    ).toEqual({ value: 'm-2', displayName: 'boss@testuser.com' })
    expect(
      patch(op({ op: 'add', value: { [ENTERPRISE_USER_SCHEMA]: { department: 'Ops' } } }))
        .department
    ).toBe('Ops')
  })

  it('ignores id, meta and schemas inside a path-less value', () => {
    expect(
      patch(op({ op: 'replace', value: { id: 'other', meta: {}, schemas: [], active: false } }))
        .active
    ).toBe(false)
  })

  it('accepts known User attributes it does not keep (title, phoneNumbers, addresses)', () => {
    for (const path of [
      'title',
      'phoneNumbers[type eq "work"].value',
      'addresses[type eq "work"].postalCode',
    ])
      expect(patch(op({ op: 'Replace', path, value: 'x' }))).toEqual(joy)
  })
})

describe('applyScimPatch refusals', () => {
  it.each([
    ['an unknown attribute', { op: 'replace', path: 'favouriteColour', value: 'x' }, 'invalidPath'],
    ['an unknown name part', { op: 'replace', path: 'name.nickname', value: 'x' }, 'invalidPath'],
    [
      'a custom extension',
      {
        op: 'replace',
        path: 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:tag',
        value: 'x',
      },
      'invalidPath',
    ],
    ['a malformed path', { op: 'replace', path: 'emails[type eq', value: 'x' }, 'invalidPath'],
    [
      'emails.value without a filter',
      { op: 'replace', path: 'emails.value', value: 'x' },
      'invalidPath',
    ],
    ['the read-only id', { op: 'replace', path: 'id', value: 'x' }, 'mutability'],
    ['the read-only groups', { op: 'add', path: 'groups', value: [] }, 'mutability'],
    ['a remove without a path', { op: 'remove' }, 'noTarget'],
    ['a path-less value that is not an object', { op: 'replace', value: false }, 'invalidValue'],
    [
      'active that is not a boolean',
      { op: 'replace', path: 'active', value: 'maybe' },
      'invalidValue',
    ],
    ['removing the userName', { op: 'remove', path: 'userName' }, 'invalidValue'],
    [
      'a userName that is not a string',
      { op: 'replace', path: 'userName', value: 7 },
      'invalidValue',
    ],
    [
      'an email filter with nothing to add',
      { op: 'replace', path: 'emails[type eq "home"].type', value: 'other' },
      'noTarget',
    ],
  ])('refuses %s', (_what, operation, scimType) => {
    expect(refusal(op(operation))).toMatchObject({ status: 400, scimType })
  })

  it('names the operation that failed', () => {
    const body = {
      Operations: [
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'nope', value: 1 },
      ],
    }
    expect(refusal(body).detail).toMatch(/^Operations\[1\]:/)
  })

  it.each([
    ['no Operations', {}],
    ['empty Operations', { Operations: [] }],
    ['an unknown op', { Operations: [{ op: 'move', path: 'userName' }] }],
  ])('PatchOpBody refuses a body with %s', (_what, body) => {
    expect(PatchOpBody.safeParse(body).success).toBe(false)
  })
})
