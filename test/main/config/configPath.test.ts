import { describe, expect, it } from 'vitest'
import {
  argValue,
  defaultMachineConfigPath,
  resolveMachineConfigPath,
} from '../../../main/config/configPath.ts'

describe('main/config/configPath', () => {
  it('puts the machine file under %ProgramData% on Windows', () => {
    expect(defaultMachineConfigPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\Alma CashNet Kiosk\\kiosk.json',
    )
    expect(defaultMachineConfigPath('win32', {})).toBe(
      'C:\\ProgramData\\Alma CashNet Kiosk\\kiosk.json',
    )
    expect(defaultMachineConfigPath('linux', {})).toBe('/etc/alma-cashnet-kiosk/kiosk.json')
  })

  it('prefers --config, then KIOSK_CONFIG, then the default', () => {
    const env = { KIOSK_CONFIG: '/srv/env.json' }
    expect(
      resolveMachineConfigPath({ argv: ['x', '--config=/srv/arg.json'], env, platform: 'linux' }),
    ).toEqual({ path: '/srv/arg.json', source: 'argument' })
    expect(
      resolveMachineConfigPath({
        argv: ['x', '--config', '/srv/arg2.json'],
        env,
        platform: 'linux',
      }),
    ).toEqual({ path: '/srv/arg2.json', source: 'argument' })
    expect(resolveMachineConfigPath({ argv: ['x'], env, platform: 'linux' })).toEqual({
      path: '/srv/env.json',
      source: 'environment',
    })
    expect(resolveMachineConfigPath({ argv: ['x'], env: {}, platform: 'linux' })).toEqual({
      path: '/etc/alma-cashnet-kiosk/kiosk.json',
      source: 'default',
    })
  })

  it('does not take the next flag as a value', () => {
    expect(argValue(['--config', '--demo'], 'config')).toBeUndefined()
    expect(argValue(['--configure=x'], 'config')).toBeUndefined()
  })
})
