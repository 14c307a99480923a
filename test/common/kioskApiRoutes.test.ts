import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { apiPaths, kioskApiPath, kioskApiRoutes } from '../../common/api.ts'

describe('common/api kiosk route table', () => {
  it.each(Object.entries(kioskApiRoutes))(
    '%s: its params schema names exactly the :params of its path',
    (_name, route) => {
      const inPath = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1])
      const inSchema = 'params' in route ? Object.keys((route.params as z.ZodObject).shape) : []
      expect(inSchema.sort()).toEqual(inPath.sort())
      expect(route.path.startsWith('/api/v1/')).toBe(true)
    },
  )

  it('fills params in, encoded, and refuses a missing one', () => {
    expect(kioskApiPath(kioskApiRoutes.checkoutState.path, { id: 'a/b c' })).toBe(
      '/api/v1/checkouts/a%2Fb%20c',
    )
    expect(apiPaths.cancelCheckout('x')).toBe('/api/v1/checkouts/x/cancel')
    expect(() => kioskApiPath(kioskApiRoutes.checkoutState.path)).toThrow(/:id/)
  })

  it('reads the long-poll query as the service does: numbers coerced, statuses checked', () => {
    const query = kioskApiRoutes.checkoutState.query
    expect(query.parse({ wait: '25', status: 'pending' })).toEqual({ wait: 25, status: 'pending' })
    expect(query.safeParse({ wait: '25', status: 'lost' }).success).toBe(false)
    expect(query.safeParse({ wait: '-1' }).success).toBe(false)
  })
})
