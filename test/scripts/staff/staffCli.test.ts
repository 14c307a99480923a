import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffErrorSchema, staffRoutes } from '../../../common/staffApi.ts'
import { startHarness, type Harness } from '../../server/payments/harness.ts'
import { staffClient } from '../../server/staff/staffClient.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const cli = join(root, 'scripts', 'staff', 'index.ts')
const password = 'correct horse battery staple'
const usageHint = 'Run "npm run staff -- --help" for the commands.\n'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `npm run staff -- …` as its own process (bounded): `stdin` piped in and closed, or, for a
 * terminal, each line typed once its prompt has appeared (as a person would).
 */
function runCli(
  args: readonly string[],
  env: Record<string, string>,
  stdin: string | { prompt: string; line: string }[] = '',
  command: readonly string[] = [process.execPath, cli, ...args],
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [file, ...rest] = command
    const child = spawn(file ?? process.execPath, rest, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 90_000,
    })
    let stdout = ''
    let stderr = ''
    const typing = typeof stdin === 'string' ? [] : [...stdin]
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      // Each prompt is different ("Password: ", "Again: "): type its line once it shows.
      const next = typing[0]
      if (next && stdout.includes(next.prompt)) {
        typing.shift()
        child.stdin.write(next.line)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('exit', () => {
      child.stdin.end()
    })
    child.on('close', (code) => {
      resolve({ code, stdout, stderr })
    })
    if (typeof stdin === 'string') child.stdin.end(stdin)
  })
}

/**
 * `npm run staff`: the real command as a child process, on the running service's own SQLite file
 * (an administrator adds an account while the service runs), then the account signs in through
 * the staff API.
 */
describe(
  'npm run staff (child process, real SQLite, the assembled service)',
  {
    // Each run starts Node and loads the service's modules: seconds apiece on a busy machine.
    timeout: 300_000,
  },
  () => {
    let h: Harness
    let env: Record<string, string>

    beforeAll(async () => {
      h = await startHarness({ env: { STAFF_SIGN_IN_REQUESTS_PER_MINUTE: '1000' } })
      // The CLI's configuration: the same database and institution; it needs nothing else to work.
      env = {
        DATABASE_URL: h.dbPath,
        INSTITUTION_CODE: h.institution,
        ALMA_API_KEY: 'unused-by-the-staff-command',
        CASHNET_CHECKOUT_URL: 'https://commerce.cashnet.example/LIBRARY',
        CASHNET_DEFAULT_ITEM_CODE: 'LIB-FINE',
        CASHNET_POSTBACK_SECRET: 'unused-by-the-staff-command-0123456789',
        KIOSK_KEYS: 'kiosk-1:unused-by-the-staff-command-0123456789',
      }
    }, 30_000)
    afterAll(async () => {
      await h.close()
    })

    const signIn = (username: string, secret: string) =>
      staffClient(h.baseUrl).call('POST', staffRoutes.signIn.path, {
        body: { username, password: secret },
      })

    it('adds an account from a piped password, and it signs in through the API', async () => {
      const added = await runCli(['add', 'JSmith', '--role', 'supervisor'], env, `${password}\n`)
      expect(added).toMatchObject({ code: 0, stderr: '' })
      expect(added.stdout).toBe(`Created supervisor account jsmith for ${h.institution}.\n`)

      const info = await staffClient(h.baseUrl).signIn('jsmith', password)
      expect(info).toMatchObject({
        username: 'jsmith',
        role: 'supervisor',
        institutions: [{ code: h.institution }],
        method: 'local',
      })
      const stored = await h.service.staffStore.getAccount('jsmith')
      expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/)
      expect(stored?.passwordHash).not.toContain(password)
      const [audit] = await h.service.staffStore.listAudit({ target: 'account:jsmith', limit: 1 })
      expect(audit).toMatchObject({ action: 'account_created' })
      expect(audit?.actor).toMatch(/^cli:/)

      const listed = await runCli(['list'], env)
      expect(listed.code).toBe(0)
      expect(listed.stdout).toMatch(/^USERNAME +ROLE +INSTITUTIONS/)
      expect(listed.stdout).toMatch(
        new RegExp(`\\njsmith +supervisor +${h.institution} +local +active +\\d{4}-`),
      )
    })

    it('disables an account: its session ends and it can no longer sign in', async () => {
      expect((await runCli(['add', 'leaving', '--role', 'desk'], env, `${password}\n`)).code).toBe(
        0,
      )
      const client = staffClient(h.baseUrl)
      await client.signIn('leaving', password)

      const disabled = await runCli(['disable', 'Leaving'], env)
      expect(disabled).toMatchObject({
        code: 0,
        stdout: 'Disabled leaving; its sessions have ended.\n',
      })
      expect((await client.call('GET', staffRoutes.session.path)).status).toBe(401)
      expect((await signIn('leaving', password)).status).toBe(401)

      expect((await runCli(['enable', 'leaving'], env)).code).toBe(0)
      expect((await signIn('leaving', password)).status).toBe(204)
    })

    it('resets a password: the old one stops working, the new one works, a lockout lifts', async () => {
      expect(
        (await runCli(['add', 'forgetful', '--role', 'desk'], env, `${password}\n`)).code,
      ).toBe(0)
      const lockAfter = h.service.config.staff.lockAfter
      for (let attempt = 0; attempt < lockAfter; attempt++) {
        await signIn('forgetful', 'not the password at all')
      }
      const locked = await signIn('forgetful', password)
      expect(staffErrorSchema.parse(locked.body).error.code).toBe('locked_out')

      const renewed = 'a brand new long password'
      // A Windows line end from a pipe is not part of the password.
      const reset = await runCli(['reset-password', 'forgetful'], env, `${renewed}\r\n`)
      expect(reset).toMatchObject({
        code: 0,
        stdout: 'New password set for forgetful; its sessions have ended.\n',
      })
      expect((await signIn('forgetful', password)).status).toBe(401)
      expect((await signIn('forgetful', renewed)).status).toBe(204)
    })

    it('reads the password at a terminal without echoing it, asking twice', async () => {
      const secret = 'typed at the terminal 1'
      // `script` gives the command a real pseudo-terminal; the two lines are typed into it.
      const atTerminal = (username: string, again: string) =>
        runCli(
          [],
          env,
          [
            { prompt: 'Password: ', line: `${secret}\r` },
            { prompt: 'Again: ', line: `${again}\r` },
          ],
          [
            'script',
            '--quiet',
            '--return',
            '--command',
            `'${process.execPath}' '${cli}' add ${username} --role desk`,
            '/dev/null',
          ],
        )
      const typed = await atTerminal('typist', secret)
      expect(typed.stdout).toContain('Password: ')
      expect(typed.stdout).toContain('Again: ')
      expect(typed.stdout).toContain(`Created desk account typist for ${h.institution}.`)
      expect(typed.stdout).not.toContain(secret)
      expect(typed.code).toBe(0)
      expect((await signIn('typist', secret)).status).toBe(204)

      const differ = await atTerminal('typist2', 'something else entirely')
      expect(differ.stdout).toContain('staff: the two passwords differ')
      expect(differ.code).toBe(1)
      expect(await h.service.staffStore.getAccount('typist2')).toBeNull()
    })

    it('refuses bad input with a clear message and an exit code, creating nothing', async () => {
      await h.service.staffStore.upsertSsoAccount('campus@01cals_test', {
        role: 'desk',
        institutions: [h.institution],
        now: Date.now(),
      })
      await h.service.accounts.create('test', {
        username: 'taken',
        role: 'supervisor',
        institutions: [h.institution],
        password,
      })
      // Each argument mistake is covered by args.test.ts; here, one of them and every refusal.
      const cases: { args: string[]; stdin?: string; code: number; message: string }[] = [
        {
          args: ['add', 'bob', '--role', 'boss'],
          code: 2,
          message: '--role: "boss" is not a role (desk, supervisor or admin)',
        },
        {
          args: ['add', 'bob', '--role', 'desk'],
          stdin: 'too short\n',
          code: 1,
          message: 'password: must be at least 12 characters',
        },
        {
          args: ['add', 'bob', '--role', 'desk'],
          code: 1,
          message: 'no password on standard input',
        },
        {
          args: ['add', 'bob', '--role', 'desk', '--institution', '01CALS_NOWHERE'],
          stdin: `${password}\n`,
          code: 1,
          message: `institutions: no institution 01CALS_NOWHERE is configured (${h.institution})`,
        },
        {
          args: ['add', 'Taken', '--role', 'desk'],
          stdin: `${password}\n`,
          code: 1,
          message: 'The username taken is taken.',
        },
        { args: ['disable', 'nobody'], code: 1, message: 'No staff account nobody.' },
        {
          args: ['reset-password', 'campus@01cals_test'],
          stdin: `${password}\n`,
          code: 1,
          message:
            'campus@01cals_test signs in through campus single sign-on and has no password here.',
        },
      ]
      // Two at a time: the machine running the tests may have two cores.
      const runs: Run[] = []
      for (let index = 0; index < cases.length; index += 2) {
        runs.push(
          ...(await Promise.all(
            cases.slice(index, index + 2).map(({ args, stdin }) => runCli(args, env, stdin)),
          )),
        )
      }
      cases.forEach(({ args, code, message }, index) => {
        const run = runs[index]
        expect({ args, code: run?.code, stdout: run?.stdout }).toEqual({ args, code, stdout: '' })
        expect(run?.stderr).toBe(`staff: ${message}\n${code === 2 ? usageHint : ''}`)
      })
      expect(await h.service.staffStore.getAccount('bob')).toBeNull()
      expect((await h.service.staffStore.getAccount('taken'))?.role).toBe('supervisor')
    })

    it('asks which institution when several are configured, and says when the configuration is wrong', async () => {
      const configFile = join(h.dir, 'campuses.json')
      const campus = (code: string, kiosk: string) => ({
        code,
        name: `Campus ${code}`,
        alma: { apiKey: 'unused-by-the-staff-command' },
        cashnet: {
          checkoutUrl: 'https://commerce.cashnet.example/LIBRARY',
          postbackSecret: `unused-by-the-staff-command-${code}`,
          itemCodes: { default: 'LIB-FINE' },
        },
        kiosks: [{ id: kiosk, key: `unused-by-the-staff-command-${kiosk}` }],
      })
      writeFileSync(
        configFile,
        JSON.stringify({
          service: { databaseUrl: h.dbPath },
          institutions: [campus(h.institution, 'k-1'), campus('01CALS_TWO', 'k-2')],
        }),
      )
      const several = { CONFIG_FILE: configFile }
      const unnamed = await runCli(['add', 'both', '--role', 'admin'], several, `${password}\n`)
      expect(unnamed.code).toBe(1)
      expect(unnamed.stderr).toContain(
        `institutions: several are configured; name one with --institution (${h.institution}, 01CALS_TWO)`,
      )
      const named = await runCli(
        [
          'add',
          'both',
          '--role',
          'admin',
          '--institution',
          h.institution,
          '--institution',
          '01cals_two',
        ],
        several,
        `${password}\n`,
      )
      expect(named).toMatchObject({ code: 0, stderr: '' })
      expect(await h.service.staffStore.getAccount('both')).toMatchObject({
        institutions: [h.institution, '01CALS_TWO'],
      })

      const broken = await runCli(['list'], { DATABASE_URL: h.dbPath })
      expect(broken.code).toBe(3)
      expect(broken.stderr).toContain('ALMA_API_KEY: is required')
    })
  },
)
