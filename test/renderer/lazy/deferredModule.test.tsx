import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { deferredModule } from '../../../renderer/src/lazy/deferredModule.ts'

describe('renderer/lazy/deferredModule', () => {
  it('loads once, and retries a load that failed', async () => {
    let calls = 0
    const module = deferredModule(() => {
      calls += 1
      return calls === 1
        ? Promise.reject(new Error('chunk missing'))
        : Promise.resolve({ n: calls })
    })
    expect(module.peek()).toBeNull()
    await expect(module.load()).rejects.toThrow('chunk missing')
    expect(await module.load()).toEqual({ n: 2 })
    expect(await module.load()).toEqual({ n: 2 })
    expect(calls).toBe(2)
    expect(module.peek()).toEqual({ n: 2 })
  })

  it('renders nothing until the module arrives, then renders it without suspending', async () => {
    let arrive: (value: { Text: () => string }) => void = () => undefined
    const module = deferredModule(
      () => new Promise<{ Text: () => string }>((resolve) => (arrive = resolve)),
    )
    function View() {
      const loaded = module.use()
      return <p>{loaded ? loaded.Text() : 'waiting'}</p>
    }
    render(<View />)
    expect(screen.getByText('waiting')).toBeTruthy()
    const loading = module.load()
    await act(async () => {
      arrive({ Text: () => 'arrived' })
      await loading
    })
    expect(screen.getByText('arrived')).toBeTruthy()
    // Once arrived, a new render has it at once.
    render(<View />)
    expect(screen.getAllByText('arrived')).toHaveLength(2)
  })
})
