import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../../core/index.js'

const origin = new URL('https://app.example.com')

describe('safeReturnTo', () => {
  it.each([
    ['/profile', '/profile'],
    ['/a/b?c=d#e', '/a/b?c=d#e'],
    ['https://app.example.com/x?y=1', '/x?y=1'],
  ])('keeps the same-origin target %s', (input, expected) => {
    expect(safeReturnTo(input, origin)).toBe(expected)
  })

  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,hi',
    '%2F%2Fevil.example',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    'https:evil.example',
    'http://app.example.com/',
    '/x\r\nSet-Cookie: a=b',
    '/x%0d%0aLocation: https://evil.example',
    ' //evil.example',
    '/\t/evil.example',
    '',
    'relative',
  ])('falls back to / for %j', (input) => {
    expect(safeReturnTo(input, origin)).toBe('/')
  })

  it('falls back for non-strings and absurdly long values', () => {
    expect(safeReturnTo(undefined, origin)).toBe('/')
    expect(safeReturnTo(42, origin)).toBe('/')
    expect(safeReturnTo(`/${'a'.repeat(5000)}`, origin)).toBe('/')
  })
})
