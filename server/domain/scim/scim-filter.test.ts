// SCIM filters and attribute paths: the forms Okta and Entra send parse, nonsense is refused with
// invalidFilter / invalidPath, and no input makes the parser throw.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ENTERPRISE_USER_SCHEMA,
  matchesScimFilter,
  parseScimFilter,
  parseScimPath,
  type ScimFilter,
} from './scim-filter.ts'

function parsed(text: string): ScimFilter {
  const result = parseScimFilter(text)
  if (!result.ok) throw new Error(result.detail)
  return result.value
}

const path = (attr: string, extra: Partial<{ schema: string; sub: string }> = {}) => ({
  schema: 'core',
  attr,
  filter: null,
  sub: null,
  ...extra,
})

describe('parseScimFilter', () => {
  it.each([
    // Okta's lookup before creating a user.
    ['userName eq "test.user@okta.local"', 'username', 'test.user@okta.local'],
    // Entra's lookups, from its provisioning tutorial.
    [
      'userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"',
      'username',
      'Test_User_dfeef4c5-5681-4387-b016-bdf221e82081',
    ],
    ['userName eq "non-existent user"', 'username', 'non-existent user'],
    [
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      'externalid',
      '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    ],
    // Entra's Example 1 sends the value unquoted.
    ['externalId eq jyoung', 'externalid', 'jyoung'],
    ['USERNAME EQ "Case@Example.com"', 'username', 'Case@Example.com'],
    ['userName eq "quote \\" and \\\\ backslash"', 'username', 'quote " and \\ backslash'],
  ])('parses %s', (text, attr, value) => {
    expect(parsed(text)).toEqual({ op: 'eq', path: path(attr), value })
  })

  it('parses a value-filtered email path, the form Entra matches work emails with', () => {
    expect(parsed('emails[type eq "work"].value eq "a@b.example"')).toEqual({
      op: 'eq',
      path: {
        schema: 'core',
        attr: 'emails',
        filter: { op: 'eq', path: path('type'), value: 'work' },
        sub: 'value',
      },
      value: 'a@b.example',
    })
  })

  it('reads schema URNs before attribute names', () => {
    expect(parsed('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"')).toMatchObject({
      path: path('username'),
    })
    expect(parsed(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "id"`)).toMatchObject({
      path: { schema: 'enterprise', attr: 'manager', sub: 'value' },
    })
  })

  it('gives and precedence over or, and honours parentheses and not', () => {
    const f = parsed('userName eq "a" or userName eq "b" and active eq true')
    expect(f).toMatchObject({ op: 'or', right: { op: 'and' } })
    expect(parsed('(userName eq "a" or userName eq "b") and active eq false')).toMatchObject({
      op: 'and',
      left: { op: 'or' },
      right: { op: 'eq', value: false },
    })
    expect(parsed('not (userName eq "a")')).toMatchObject({ op: 'not' })
    expect(parsed('title pr')).toEqual({ op: 'pr', path: path('title') })
  })

  it.each([
    ['userName'],
    ['userName eq'],
    ['userName like "a"'],
    ['(userName eq "a"'],
    ['userName eq "a" garbage'],
    ['userName eq "unterminated'],
    ['eq "a"'],
    [''],
    ['x'.repeat(2001)],
    ['('.repeat(50) + 'userName eq "a"' + ')'.repeat(50)],
  ])('refuses %j with invalidFilter', (text) => {
    const result = parseScimFilter(text)
    expect(result).toMatchObject({ ok: false, status: 400, scimType: 'invalidFilter' })
  })

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(typeof parseScimFilter(text).ok).toBe('boolean')
      })
    )
  })

  it('reads back any quoted value exactly', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (value) => {
        expect(parsed(`userName eq ${JSON.stringify(value)}`)).toMatchObject({ value })
      })
    )
  })
})

describe('parseScimPath', () => {
  it.each([
    ['userName', { attr: 'username' }],
    ['name.givenName', { attr: 'name', sub: 'givenname' }],
    ['emails[type eq "work"].value', { attr: 'emails', sub: 'value' }],
    [`${ENTERPRISE_USER_SCHEMA}:manager`, { schema: 'enterprise', attr: 'manager' }],
    [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`, { schema: 'enterprise', attr: 'employeenumber' }],
    [
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:tag',
      {
        schema: 'urn:ietf:params:scim:schemas:extension:customextensionname:2.0:user',
        attr: 'tag',
      },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseScimPath(text)).toMatchObject({ ok: true, value: expected })
  })

  it.each([[''], ['1abc'], ['emails[type eq "work"'], ['name.givenName[type eq "x"]'], ['a b']])(
    'refuses %j with invalidPath',
    (text) => {
      expect(parseScimPath(text)).toMatchObject({ ok: false, scimType: 'invalidPath' })
    }
  )
})

describe('matchesScimFilter', () => {
  it('compares sub-attributes without regard to case, as RFC 7643 says for email type and value', () => {
    const filter = parsed('type eq "WORK" and value ew "@Example.com"')
    expect(matchesScimFilter({ type: 'work', value: 'a@example.COM' }, filter)).toBe(true)
    expect(matchesScimFilter({ type: 'home', value: 'a@example.com' }, filter)).toBe(false)
    expect(matchesScimFilter({ primary: true }, parsed('primary eq true'))).toBe(true)
  })
})
