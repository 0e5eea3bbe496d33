// Subject identifiers that name a person, in every shape transmitters send them.
import { describe, expect, it } from 'vitest'
import { parseSsfSubject } from './parse-ssf-subject.ts'

describe('parseSsfSubject', () => {
  it.each([
    ['an email', { format: 'email', email: 'Ada@Acme.example' }, ['ada@acme.example'], []],
    [
      'an iss_sub',
      { format: 'iss_sub', iss: 'https://idp.example', sub: '00u1' },
      [],
      [{ iss: 'https://idp.example', sub: '00u1' }],
    ],
    [
      'an acct: URI',
      { format: 'account', uri: 'acct:ada%2Bx@acme.example' },
      ['ada+x@acme.example'],
      [],
    ],
    [
      'aliases, keeping what names a person',
      {
        format: 'aliases',
        identifiers: [
          { format: 'email', email: 'ada@acme.example' },
          { format: 'phone_number', phone_number: '+12065550100' },
          { format: 'email', email: 'ADA@acme.example' },
          { format: 'email', email: 'ada.l@acme.example' },
        ],
      },
      ['ada@acme.example', 'ada.l@acme.example'],
      [],
    ],
    [
      'an SSF complex subject (its user)',
      {
        user: { format: 'email', email: 'ada@acme.example' },
        session: { format: 'opaque', id: 's1' },
        tenant: { format: 'opaque', id: 't1' },
      },
      ['ada@acme.example'],
      [],
    ],
    [
      'a RISC subject_type iss-sub',
      { subject_type: 'iss-sub', iss: 'https://accounts.google.com/', sub: '7375626A656374' },
      [],
      [{ iss: 'https://accounts.google.com/', sub: '7375626A656374' }],
    ],
    [
      'a RISC subject_type email',
      { subject_type: 'email', email: 'ada@acme.example' },
      ['ada@acme.example'],
      [],
    ],
  ])('reads %s', (_, subject, emails, issSubs) => {
    expect(parseSsfSubject(subject)).toEqual({ emails, issSubs })
  })

  it.each([
    ['nothing', undefined],
    ['a string', 'ada@acme.example'],
    ['an opaque id', { format: 'opaque', id: 'x' }],
    ['a phone number', { format: 'phone_number', phone_number: '+12065550100' }],
    ['a DID', { format: 'did', url: 'did:example:123' }],
    ['an email that is not one', { format: 'email', email: 'not an email' }],
    ['an iss_sub without sub', { format: 'iss_sub', iss: 'https://idp.example' }],
    ['an account that is not acct:', { format: 'account', uri: 'mailto:ada@acme.example' }],
    ['a complex subject without user', { session: { format: 'opaque', id: 's1' } }],
    [
      'aliases nested too deep',
      {
        format: 'aliases',
        identifiers: [
          {
            format: 'aliases',
            identifiers: [
              {
                format: 'aliases',
                identifiers: [
                  { format: 'aliases', identifiers: [{ format: 'email', email: 'a@b.example' }] },
                ],
              },
            ],
          },
        ],
      },
    ],
  ])('names nobody for %s', (_, subject) => {
    expect(parseSsfSubject(subject)).toBeNull()
  })
})
