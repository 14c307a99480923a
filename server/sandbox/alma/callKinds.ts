/**
 * What kind of Alma call a request is, by method and path, so tests and benchmarks can count the
 * calls a flow makes (the service's Alma budget) and hold one kind of call at a gate.
 */

export const sandboxAlmaCallKinds = ['getUser', 'listFees', 'getFee', 'payFee', 'other'] as const
export type SandboxAlmaCallKind = (typeof sandboxAlmaCallKinds)[number]
export type SandboxAlmaCallCounts = Record<SandboxAlmaCallKind, number>

/**
 * `GET users/{id}` → getUser, `GET users/{id}/fees` → listFees, `GET users/{id}/fees/{fee}` →
 * getFee, `POST users/{id}/fees/{fee}?op=pay` → payFee (`fees/all` included: a pay Alma refuses);
 * anything else (unknown paths, other ops) → other.
 */
export function callKindOf(
  method: string,
  pathname: string,
  query: Readonly<Record<string, string>>,
): SandboxAlmaCallKind {
  const segments = pathname.split('/').filter(Boolean)
  if (segments[0] !== 'almaws' || segments[1] !== 'v1' || segments[2] !== 'users') return 'other'
  const [, , , userId, fees, feeId, ...rest] = segments
  if (userId === undefined || rest.length > 0) return 'other'
  if (fees === undefined) return method === 'GET' ? 'getUser' : 'other'
  if (fees !== 'fees') return 'other'
  if (feeId === undefined) return method === 'GET' ? 'listFees' : 'other'
  if (method === 'GET') return 'getFee'
  return method === 'POST' && query.op === 'pay' ? 'payFee' : 'other'
}

export function countCalls(kinds: Iterable<SandboxAlmaCallKind>): SandboxAlmaCallCounts {
  const counts: SandboxAlmaCallCounts = { getUser: 0, listFees: 0, getFee: 0, payFee: 0, other: 0 }
  for (const kind of kinds) counts[kind] += 1
  return counts
}
