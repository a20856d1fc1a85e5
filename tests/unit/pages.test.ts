// A list answered a page at a time: every item once, in the order of its key, and a cursor that resumes only the
// listing it was given out for.
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { auditSnapshotView } from '../../shared/platform/audit.ts'
import { ValidationError } from '../../shared/platform/errors.ts'
import { pageOf, pageQuery } from '../../shared/platform/pages.ts'

const deps = {
  crypto: {
    blindIndex: (value: string, purpose: string) =>
      createHmac('sha256', `key-${purpose}`).update(value).digest('base64url'),
  },
} as Parameters<typeof pageOf>[0]

const walk = (listing: string, keys: string[], limit: number) => {
  const seen: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages <= keys.length + 1; pages++) {
    const page = pageOf(deps, listing, keys, (k) => k, pageQuery.parse({ limit, cursor }))
    seen.push(...page.items)
    if (!page.nextCursor) return { seen, pages: pages + 1 }
    cursor = page.nextCursor
  }
  throw new Error('the pages never ended')
}

describe('pageOf', () => {
  it('gives every item once, in key order, whatever the page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 })),
        fc.integer({ min: 1, max: 7 }),
        (keys, limit) => {
          const { seen, pages } = walk('letters', keys, limit)
          expect(seen).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
          expect(pages).toBe(Math.max(1, Math.ceil(keys.length / limit)))
        },
      ),
    )
  })

  it('takes 50 unless asked, 200 at most', () => {
    expect(pageQuery.parse({})).toEqual({ limit: 50 })
    expect(pageQuery.safeParse({ limit: '201' }).success).toBe(false)
    expect(pageQuery.safeParse({ limit: '0' }).success).toBe(false)
  })

  it("refuses a cursor of another listing, or one altered, as a 400 naming the query's cursor", () => {
    const first = pageOf(deps, 'audit/VISIT#v-1', ['a', 'b', 'c'], (k) => k, { limit: 1 })
    expect(first.nextCursor).toEqual(expect.any(String))
    const again = (listing: string, cursor: string) => () =>
      pageOf(deps, listing, ['a', 'b', 'c'], (k) => k, { limit: 1, cursor })
    expect(again('audit/VISIT#v-1', first.nextCursor as string)()).toMatchObject({ items: ['b'] })
    expect(again('audit/VISIT#v-2', first.nextCursor as string)).toThrow(ValidationError)
    const [payload, seal] = (first.nextCursor as string).split('.')
    const other = Buffer.from(JSON.stringify({ after: 'b' })).toString('base64url')
    expect(again('audit/VISIT#v-1', `${other}.${seal}`)).toThrow(ValidationError)
    expect(again('audit/VISIT#v-1', `${payload}`)).toThrow(ValidationError)
  })
})

describe("the audit trail's before and after", () => {
  it("leave out the record's version and name the masked phone `phone`", () => {
    expect(auditSnapshotView({ status: 'planned', version: 3 })).toEqual({ status: 'planned' })
    expect(auditSnapshotView({ name: '王芳', phoneMasked: '138****8000' })).toEqual({
      name: '王芳',
      phone: '138****8000',
    })
    expect(auditSnapshotView({ signIn: null })).toEqual({ signIn: null })
    expect(auditSnapshotView(undefined)).toBeUndefined()
  })
})
