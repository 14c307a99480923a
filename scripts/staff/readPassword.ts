/**
 * The password for `add` and `reset-password`, from standard input: typed at a terminal without
 * echo (asked twice), or the first line of a pipe (`printf '%s\n' "$PW" | npm run staff -- add …`),
 * so it never appears in the shell history or the process list.
 */
import type { Readable, Writable } from 'node:stream'

/** What standard input is: a terminal has `isTTY` and `setRawMode`. */
export type PasswordSource = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }

export class PasswordInputError extends Error {
  override readonly name = 'PasswordInputError'
  readonly kind = 'password_input'
}

/** Longer than any password the service accepts (256), so a cut-off never passes silently. */
const maxBytes = 4096

/** The first line of a pipe (a trailing CR of a Windows line end dropped). */
async function firstLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    chunks.push(buffer)
    size += buffer.length
    if (buffer.includes(0x0a) || size > maxBytes) break
  }
  const text = Buffer.concat(chunks).toString('utf8')
  const end = text.indexOf('\n')
  const line = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '')
  if (line === '') throw new PasswordInputError('no password on standard input')
  return line
}

/**
 * Lines typed at a terminal in raw mode, one per prompt: nothing echoed, backspace works, Ctrl-C
 * or Ctrl-D cancels. Keys arriving together (a paste of both lines) are split at the line ends.
 */
function typedLines(
  prompts: readonly string[],
  input: PasswordSource,
  output: Writable,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = []
    let value = ''
    // Echo off before the prompt: a person (or a script) answering the prompt at once must not see
    // their password echoed by the terminal.
    input.setRawMode?.(true)
    output.write(prompts[0] ?? '')
    input.setEncoding('utf8')
    const finish = (error: Error | null) => {
      input.off('data', onData)
      input.setRawMode?.(false)
      input.pause()
      if (error) {
        output.write('\n')
        reject(error)
      } else resolve(lines)
    }
    const onData = (data: string) => {
      for (const char of data) {
        if (char === '\r' || char === '\n') {
          lines.push(value)
          value = ''
          output.write('\n')
          const next = prompts[lines.length]
          if (next === undefined) {
            finish(null)
            return
          }
          output.write(next)
        } else if (char === '\u0003' || char === '\u0004') {
          finish(new PasswordInputError('cancelled'))
          return
        } else if (char === '\u007f' || char === '\b') value = value.slice(0, -1)
        else if (char >= ' ') value += char
      }
    }
    input.on('data', onData)
    input.resume()
  })
}

export async function readPassword(
  input: PasswordSource,
  output: Writable,
  prompt = 'Password: ',
): Promise<string> {
  if (!input.isTTY || !input.setRawMode) return firstLine(input)
  const [first, again] = await typedLines([prompt, 'Again: '], input, output)
  if (!first) throw new PasswordInputError('no password typed')
  if (again !== first) throw new PasswordInputError('the two passwords differ')
  return first
}
