import { describe, expect, it } from 'vitest'
import { parseCommand, UsageError } from '../../../scripts/staff/args.ts'

describe('scripts/staff: the command line', () => {
  it('reads each command', () => {
    expect(parseCommand(['add', 'jdoe', '--role', 'desk'])).toEqual({
      command: 'add',
      username: 'jdoe',
      role: 'desk',
      institutions: [],
    })
    expect(
      parseCommand(['add', 'jdoe', '--institution', 'A', '--role=admin', '--institution', 'B']),
    ).toEqual({ command: 'add', username: 'jdoe', role: 'admin', institutions: ['A', 'B'] })
    expect(parseCommand(['list'])).toEqual({ command: 'list' })
    expect(parseCommand(['disable', 'jdoe'])).toEqual({ command: 'disable', username: 'jdoe' })
    expect(parseCommand(['enable', 'jdoe'])).toEqual({ command: 'enable', username: 'jdoe' })
    expect(parseCommand(['reset-password', 'jdoe'])).toEqual({
      command: 'reset-password',
      username: 'jdoe',
    })
    expect(parseCommand([])).toBe('help')
    expect(parseCommand(['add', '--help'])).toBe('help')
  })

  it.each([
    [['add', 'bob', '--role', 'boss'], '--role: "boss" is not a role (desk, supervisor or admin)'],
    [['add', 'bob'], 'add: --role is required (desk, supervisor or admin)'],
    [['add', '--role', 'desk'], 'add: name the account'],
    [['add', 'bad name!', '--role', 'desk'], 'username: may hold letters, digits and . _ @ - only'],
    [['add', 'b', '--role', 'desk'], 'username: must be at least 2 characters'],
    [['add', 'bob', '--role', 'desk', '--institution', ''], 'institutions: '],
    [['promote', 'bob'], 'unknown command "promote"'],
    [['disable'], 'disable: name the account'],
    [['disable', 'a', 'b'], 'unexpected argument "b"'],
    [['list', 'everyone'], 'unexpected argument "everyone"'],
    [['list', '--role', 'desk'], 'list: --role and --institution belong to add'],
    [['add', 'bob', '--rolee', 'desk'], "Unknown option '--rolee'"],
    [['add', 'bob', '--role'], "Option '--role <value>' argument missing"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError)
    expect(() => parseCommand(argv)).toThrow(message)
  })
})
