/** The slice of a pino logger the payments side uses; a Fastify or pino logger fits it. */
export interface PaymentsLogger {
  info(object: object, message: string): void
  warn(object: object, message: string): void
  error(object: object, message: string): void
}

export const silentLogger: PaymentsLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}
