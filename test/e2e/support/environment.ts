/** Flags that let Chromium run headless as root on a machine with no outside network. */
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Loopback port for the demo service the e2e tests run against. */
export const demoPort = Number(process.env.E2E_PORT ?? 4780)
