/** Calls the sandbox Alma over HTTP the way a test reads it: status, parsed body, content type. */
import { sandboxCards, type SandboxAlma } from '../../../../server/sandbox/alma/index.ts'

export interface FeeJson {
  id: string
  type?: { value: string; desc: string }
  status: { value: string }
  balance: number
  original_amount: number
  title?: string
  transaction?: {
    type: { value: string }
    amount: number
    external_transaction_id?: string
    payment_method?: { value: string }
  }[]
}
export interface FeeListJson {
  fee?: FeeJson[]
  total_record_count: number
  total_sum: number
  currency: string
}
interface ErrorJson {
  errorsExist: true
  errorList: { error: { errorCode: string; errorMessage: string; trackingId: string }[] }
  result: null
}

export interface AlmaAnswer {
  status: number
  body: unknown
  text: string
  contentType: string
}

export const users = (id: string, rest = '') => `/almaws/v1/users/${encodeURIComponent(id)}${rest}`
export const errorCode = (body: unknown) => (body as ErrorJson).errorList.error[0]?.errorCode

export function almaCaller(alma: () => SandboxAlma) {
  async function call(
    method: string,
    path: string,
    query: Record<string, string> = {},
    headers: Record<string, string> = { authorization: `apikey ${alma().apiKey}` },
    signal?: AbortSignal,
  ): Promise<AlmaAnswer> {
    const url = new URL(path, alma().url)
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
    const response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...headers },
      ...(signal ? { signal } : {}),
    })
    const text = await response.text()
    const contentType = response.headers.get('content-type') ?? ''
    let body: unknown = text
    if (contentType.includes('json')) {
      try {
        body = JSON.parse(text)
      } catch {
        // Left as text: tests of unreadable answers look at it.
      }
    }
    return { status: response.status, body, text, contentType }
  }
  const activeFees = async (card: string) =>
    (await call('GET', users(card, '/fees'), { user_id_type: 'BARCODE' })).body as FeeListJson
  /** The one fee (3.00) of the seed's `oneFee` patron, `jchen02`. */
  async function theFee(): Promise<FeeJson> {
    const [fee] = (await activeFees(sandboxCards.oneFee)).fee ?? []
    if (!fee) throw new Error('the seed gives this patron one fee')
    return fee
  }
  /** Pays 1.00 of that fee, as the service would. */
  const payOneDollar = (feeId: string, signal?: AbortSignal) =>
    call(
      'POST',
      users('jchen02', `/fees/${feeId}`),
      { op: 'pay', amount: '1.00', method: 'ONLINE', external_transaction_id: 'CN-1' },
      { authorization: `apikey ${alma().apiKey}` },
      signal,
    )
  return { call, activeFees, theFee, payOneDollar }
}
