import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/App.tsx'

describe('renderer/App', () => {
  it('starts on the attract screen', () => {
    render(<App />)
    expect(
      screen.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
    ).toBeTruthy()
  })
})
