/**
 * The one shared fake of the `electron` module. The Electron binary cannot run in CI, so main-process
 * code keeps its decisions in plain functions and tests drive the thin Electron glue through this fake.
 * Use it with: vi.mock('electron', () => import('../fakes/electron.ts'))
 *
 * It is also loaded by the packaging check (scripts/package-check/) to start the packaged main
 * bundle under plain Node, so it only uses Node built-ins and erasable TypeScript.
 *
 * Fakes record what the code under test did (`calls`, `created`, `handlers`) and offer `fake*`
 * helpers that fire the events Electron would fire. `resetFake()` returns everything to a fresh state.
 */
import { EventEmitter } from 'node:events'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// ---- Events -------------------------------------------------------------------------------

/** Electron's cancellable event object. */
export class FakeEvent {
  defaultPrevented = false
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export function fakeEvent<T extends object>(props: T): FakeEvent & T {
  return Object.assign(new FakeEvent(), props)
}

// ---- Sessions -----------------------------------------------------------------------------

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void
type PermissionCheckHandler = (
  contents: unknown,
  permission: string,
  origin: string,
  details: unknown,
) => boolean

export interface FakeBeforeRequestDetails {
  id: number
  webContentsId?: number
  url: string
  method: string
  resourceType: string
  uploadData?: { bytes?: Buffer }[]
}
export type FakeBeforeRequestListener = (
  details: FakeBeforeRequestDetails,
  callback: (response: { cancel?: boolean; redirectURL?: string }) => void,
) => void

export class FakeSession extends EventEmitter {
  readonly partition: string
  /** Names of the clearing calls, in order: clearData, clearCache, clearAuthCache, … */
  readonly calls: string[] = []
  /** Clearing calls that should reject once, to test that a wipe keeps going. */
  readonly failNext = new Set<string>()
  permissionRequestHandler: PermissionRequestHandler | null = null
  permissionCheckHandler: PermissionCheckHandler | null = null
  beforeRequestListener: FakeBeforeRequestListener | null = null
  beforeRequestFilter: unknown = null
  readonly webRequest = {
    onBeforeRequest: (
      filterOrListener: unknown,
      maybeListener?: FakeBeforeRequestListener | null,
    ): void => {
      if (typeof filterOrListener === 'function' || filterOrListener === null) {
        this.beforeRequestListener = filterOrListener as FakeBeforeRequestListener | null
        this.beforeRequestFilter = null
      } else {
        this.beforeRequestFilter = filterOrListener
        this.beforeRequestListener = maybeListener ?? null
      }
    },
  }

  constructor(partition: string) {
    super()
    this.partition = partition
  }

  private record(name: string): Promise<void> {
    this.calls.push(name)
    if (this.failNext.delete(name)) return Promise.reject(new Error(`${name} failed (fake)`))
    return Promise.resolve()
  }
  clearData(): Promise<void> {
    return this.record('clearData')
  }
  clearCache(): Promise<void> {
    return this.record('clearCache')
  }
  clearAuthCache(): Promise<void> {
    return this.record('clearAuthCache')
  }
  clearStorageData(): Promise<void> {
    return this.record('clearStorageData')
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler
  }

  /** Test helper: asks the permission request handler, resolving with its answer. */
  fakePermissionRequest(permission: string): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.permissionRequestHandler) throw new Error('no permission request handler')
      this.permissionRequestHandler(null, permission, resolve, {})
    })
  }
  /** Test helper: runs the onBeforeRequest listener and returns its answer. */
  fakeBeforeRequest(
    details: Omit<FakeBeforeRequestDetails, 'id'>,
  ): Promise<{ cancel?: boolean; redirectURL?: string }> {
    return new Promise((resolve) => {
      if (!this.beforeRequestListener) throw new Error('no onBeforeRequest listener')
      this.beforeRequestListener({ id: ++requestIds, ...details }, resolve)
    })
  }
  /** Test helper: a download starts; returns the item so tests can see whether it was cancelled. */
  fakeDownload(url: string): { event: FakeEvent; item: FakeDownloadItem } {
    const event = new FakeEvent()
    const item = new FakeDownloadItem(url)
    this.emit('will-download', event, item, null)
    return { event, item }
  }
}
let requestIds = 0

export class FakeDownloadItem {
  readonly url: string
  cancelled = false
  constructor(url: string) {
    this.url = url
  }
  getURL(): string {
    return this.url
  }
  cancel(): void {
    this.cancelled = true
  }
}

const partitions = new Map<string, FakeSession>()
export const session = {
  defaultSession: new FakeSession(''),
  /** Partition options are recorded so tests can check the partition is in-memory. */
  fromPartition(partition: string, _options?: unknown): FakeSession {
    if (partition === '') return session.defaultSession
    let found = partitions.get(partition)
    if (!found) {
      found = new FakeSession(partition)
      partitions.set(partition, found)
    }
    return found
  },
  /** Test helper: every partition created so far. */
  partitions,
}

// ---- Frames and web contents --------------------------------------------------------------

export class FakeWebFrameMain {
  url: string
  readonly parent: FakeWebFrameMain | null
  constructor(url: string, parent: FakeWebFrameMain | null = null) {
    this.url = url
    this.parent = parent
  }
  get origin(): string {
    try {
      const parsed = new URL(this.url)
      return `${parsed.protocol}//${parsed.host}`
    } catch {
      return 'null'
    }
  }
}

export interface FakeInput {
  type?: string
  key: string
  code?: string
  control?: boolean
  alt?: boolean
  shift?: boolean
  meta?: boolean
}

let webContentsIds = 0

export interface FakePrintAnswer {
  success: boolean
  failureReason: string
}

/** Printers the fake OS knows (Electron refuses any other deviceName). */
export const fakePrinters = {
  names: ['Receipt Printer'] as string[],
  /** How the next print jobs end; 'never' leaves the callback uncalled (a hung spooler). */
  answer: { success: true, failureReason: '' } as FakePrintAnswer | 'never',
}

export class FakeWebContents extends EventEmitter {
  readonly id = ++webContentsIds
  url = ''
  readonly session: FakeSession
  readonly mainFrame = new FakeWebFrameMain('')
  readonly sentMessages: { channel: string; args: unknown[] }[] = []
  readonly loadedUrls: string[] = []
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null
  destroyed = false
  devToolsOpen = false
  reloads = 0
  crashes = 0
  /** Visual zoom limits of the page now loaded; null: Electron's default (no pinch zoom). */
  zoomLimits: [number, number] | null = null
  historyCleared = 0
  /** Print jobs sent from this web contents: the options and the page that was loaded. */
  readonly printJobs: { options: Record<string, unknown>; url: string }[] = []
  /** When set, the next loadURL rejects with this error (after emitting did-fail-load). */
  failNextLoad: { code: number; description: string } | null = null
  readonly navigationHistory = {
    clear: (): void => {
      this.historyCleared += 1
    },
  }

  constructor(sessionForContents: FakeSession = session.defaultSession) {
    super()
    this.session = sessionForContents
    app.emit('web-contents-created', fakeEvent({}), this)
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url)
    // Like Electron, visual zoom limits belong to a page: a new page starts from the default.
    this.zoomLimits = null
    this.url = url
    this.mainFrame.url = url
    const failure = this.failNextLoad
    if (failure) {
      this.failNextLoad = null
      this.emit('did-fail-load', fakeEvent({}), failure.code, failure.description, url, true)
      return Promise.reject(new Error(`${failure.description} (${failure.code}) loading '${url}'`))
    }
    this.emit('did-finish-load')
    return Promise.resolve()
  }
  getURL(): string {
    return this.url
  }
  /**
   * Like Electron's webContents.print: answers through callback(success, failureReason), later,
   * never by throwing; an unknown deviceName fails with "Invalid deviceName provided".
   */
  print(
    options: Record<string, unknown> = {},
    callback?: (success: boolean, failureReason: string) => void,
  ): void {
    this.printJobs.push({ options, url: this.url })
    const deviceName = typeof options.deviceName === 'string' ? options.deviceName : ''
    const answer: FakePrintAnswer | 'never' =
      deviceName && !fakePrinters.names.includes(deviceName)
        ? { success: false, failureReason: 'Invalid deviceName provided' }
        : fakePrinters.answer
    if (answer === 'never') return
    setImmediate(() => {
      callback?.(answer.success, answer.failureReason)
    })
  }
  send(channel: string, ...args: unknown[]): void {
    this.sentMessages.push({ channel, args })
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler
  }
  setVisualZoomLevelLimits(min: number, max: number): Promise<void> {
    this.zoomLimits = [min, max]
    return Promise.resolve()
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  reload(): void {
    this.reloads += 1
    this.emit('did-finish-load')
  }
  forcefullyCrashRenderer(): void {
    this.crashes += 1
  }
  closeDevTools(): void {
    this.devToolsOpen = false
  }
  isDevToolsOpened(): boolean {
    return this.devToolsOpen
  }
  close(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('destroyed')
  }

  /** Test helper: a page-initiated main-frame navigation; returns the event to see if it was stopped. */
  fakeNavigate(url: string): FakeEvent {
    const event = fakeEvent({ url, isMainFrame: true, isSameDocument: false, frame: null })
    this.emit('will-navigate', event, url)
    return event
  }
  /** Test helper: a navigation in any frame. */
  fakeFrameNavigate(url: string, isMainFrame: boolean): FakeEvent {
    const event = fakeEvent({ url, isMainFrame, isSameDocument: false, frame: null })
    this.emit('will-frame-navigate', event)
    return event
  }
  /** Test helper: a server-side redirect. */
  fakeRedirect(url: string, isMainFrame = true): FakeEvent {
    const event = fakeEvent({ url, isMainFrame, isSameDocument: false, frame: null })
    this.emit('will-redirect', event, url)
    return event
  }
  /** Test helper: a key press reaching before-input-event. */
  fakeInput(input: FakeInput): FakeEvent {
    const event = new FakeEvent()
    this.emit('before-input-event', event, {
      type: 'keyDown',
      code: '',
      control: false,
      alt: false,
      shift: false,
      meta: false,
      ...input,
    })
    return event
  }
  /** Test helper: the page calls window.open. */
  fakeWindowOpen(url: string): { action: 'allow' | 'deny' } | null {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : null
  }
  /** Test helper: a page tries to attach a <webview>. */
  fakeAttachWebview(src: string): FakeEvent {
    const event = new FakeEvent()
    this.emit('will-attach-webview', event, { preload: 'x.js', nodeIntegration: true }, { src })
    return event
  }
  fakeRenderProcessGone(reason = 'crashed'): void {
    this.emit('render-process-gone', fakeEvent({}), { reason, exitCode: 1 })
  }
  fakeUnresponsive(): void {
    this.emit('unresponsive')
  }
  fakeDidFailLoad(code: number, description: string, url: string, isMainFrame = true): void {
    this.emit('did-fail-load', fakeEvent({}), code, description, url, isMainFrame)
  }
  fakeDevToolsOpened(): void {
    this.devToolsOpen = true
    this.emit('devtools-opened')
  }
}

// ---- Views and windows --------------------------------------------------------------------

export interface FakeRectangle {
  x: number
  y: number
  width: number
  height: number
}

export class FakeContainerView {
  readonly children: WebContentsView[] = []
  addChildView(view: WebContentsView): void {
    this.children.push(view)
  }
  removeChildView(view: WebContentsView): void {
    const index = this.children.indexOf(view)
    if (index >= 0) this.children.splice(index, 1)
  }
}

interface FakeWebPreferencesOptions {
  webPreferences?: { partition?: string }
}

export class WebContentsView {
  static readonly created: WebContentsView[] = []
  readonly options: unknown
  readonly webContents: FakeWebContents
  bounds: FakeRectangle | null = null

  constructor(options: FakeWebPreferencesOptions = {}) {
    this.options = options
    const partition = options.webPreferences?.partition ?? ''
    this.webContents = new FakeWebContents(session.fromPartition(partition))
    WebContentsView.created.push(this)
  }
  /**
   * Like Electron: bounds are relative to the parent view and cross into C++ as integers, so a
   * fractional or missing value throws a TypeError ("conversion failure") and nothing moves; a
   * negative width or height becomes 0.
   */
  setBounds(bounds: FakeRectangle): void {
    const { x, y, width, height } = bounds
    if (![x, y, width, height].every((value) => Number.isInteger(value))) {
      throw new TypeError('Error processing argument at index 0, conversion failure from #<Object>')
    }
    this.bounds = { x, y, width: Math.max(0, width), height: Math.max(0, height) }
  }
  getBounds(): FakeRectangle {
    return { ...(this.bounds ?? { x: 0, y: 0, width: 0, height: 0 }) }
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = []
  readonly webContents: FakeWebContents
  readonly contentView = new FakeContainerView()
  readonly options: unknown
  /** show / setKiosk calls in order, to check kiosk mode is entered before showing. */
  readonly calls: string[] = []
  shown = false
  focused = false
  destroyed = false
  kiosk = false
  minimized = false
  contentSize: [number, number] = [1280, 900]

  constructor(options: unknown) {
    super()
    this.options = options
    const opts = (options ?? {}) as { show?: boolean; kiosk?: boolean; fullscreen?: boolean }
    // Like Electron on some platforms: a window created in kiosk (or fullscreen) mode shows at
    // once, white, whatever `show: false` says.
    this.kiosk = opts.kiosk === true
    this.shown = opts.show !== false || opts.kiosk === true || opts.fullscreen === true
    this.webContents = new FakeWebContents(session.defaultSession)
    // Electron emits 'ready-to-show' once, when the first page has painted.
    this.webContents.once('did-finish-load', () => {
      this.emit('ready-to-show')
    })
    BrowserWindow.created.push(this)
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.created.filter((window) => !window.destroyed)
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url)
  }
  loadFile(path: string): Promise<void> {
    return this.webContents.loadURL(`file://${path}`)
  }
  show(): void {
    this.calls.push('show')
    this.shown = true
  }
  isVisible(): boolean {
    return this.shown && !this.destroyed
  }
  focus(): void {
    this.focused = true
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
  setKiosk(flag: boolean): void {
    this.calls.push(`setKiosk(${String(flag)})`)
    this.kiosk = flag
  }
  getContentSize(): [number, number] {
    return this.contentSize
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  destroy(): void {
    this.destroyed = true
    this.webContents.close()
    this.emit('closed')
  }
  /** Like Electron: emits a cancellable 'close'; destroys the window unless it was prevented. */
  close(): FakeEvent {
    const event = new FakeEvent()
    this.emit('close', event)
    if (!event.defaultPrevented) this.destroy()
    return event
  }
  /** Test helper: the window was resized. */
  fakeResize(width: number, height: number): void {
    this.contentSize = [width, height]
    this.emit('resize')
  }
}

// ---- App ----------------------------------------------------------------------------------

const fakeRoot = join(tmpdir(), `fake-electron-${String(process.pid)}`)

class FakeApp extends EventEmitter {
  isPackaged = false
  name = 'alma-cashnet-kiosk'
  singleInstance = true
  ready = false
  readonly quitCalls: number[] = []
  readonly exitCalls: number[] = []
  readonly relaunchCalls: unknown[] = []
  readonly paths = new Map<string, string>()
  readonly commandLine = {
    switches: new Map<string, string>(),
    hasSwitch: (name: string): boolean => this.commandLine.switches.has(name),
    getSwitchValue: (name: string): string => this.commandLine.switches.get(name) ?? '',
    appendSwitch: (name: string, value = ''): void => {
      this.commandLine.switches.set(name, value)
    },
  }
  private readyResolve: (() => void) | null = null
  private readyPromise: Promise<void>

  constructor() {
    super()
    this.readyPromise = this.newReadyPromise()
  }
  private newReadyPromise(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.readyResolve = resolve
    })
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  isReady(): boolean {
    return this.ready
  }
  /** Test helper: fire the ready event. */
  fakeReady(): void {
    this.ready = true
    this.readyResolve?.()
    this.emit('ready')
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance
  }
  quit(): void {
    this.quitCalls.push(Date.now())
  }
  exit(code = 0): void {
    this.exitCalls.push(code)
  }
  relaunch(options?: unknown): void {
    this.relaunchCalls.push(options ?? {})
  }
  getVersion(): string {
    return '0.0.0-test'
  }
  getName(): string {
    return this.name
  }
  getAppPath(): string {
    return process.cwd()
  }
  /** Paths live under a per-process temp folder unless a test set one with setPath. */
  getPath(name: string): string {
    let found = this.paths.get(name)
    if (!found) {
      found = join(fakeRoot, name)
      mkdirSync(found, { recursive: true })
      this.paths.set(name, found)
    }
    return found
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path)
  }
  reset(): void {
    this.removeAllListeners()
    this.isPackaged = false
    this.singleInstance = true
    this.ready = false
    this.quitCalls.length = 0
    this.exitCalls.length = 0
    this.relaunchCalls.length = 0
    this.paths.clear()
    this.commandLine.switches.clear()
    this.readyPromise = this.newReadyPromise()
  }
}

export const app = new FakeApp()

export const Menu = {
  applicationMenu: undefined as unknown,
  setApplicationMenu(menu: unknown): void {
    Menu.applicationMenu = menu
  },
}

// ---- Protocols and network ----------------------------------------------------------------

type ProtocolHandler = (request: Request) => Response | Promise<Response>

export const protocol = {
  privilegedSchemes: [] as unknown[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    protocol.privilegedSchemes.push(...schemes)
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    if (protocol.handlers.has(scheme)) throw new Error(`scheme '${scheme}' is already handled`)
    protocol.handlers.set(scheme, handler)
  },
  unhandle(scheme: string): void {
    protocol.handlers.delete(scheme)
  },
  isProtocolHandled(scheme: string): boolean {
    return protocol.handlers.has(scheme)
  },
  /**
   * Test helper: what a page fetching this URL would get. Like Electron, the handler gets a new
   * Request without the page's abort signal: a page that gives up does not cancel the handler.
   */
  fakeRequest(url: string, init?: RequestInit): Promise<Response> {
    const scheme = new URL(url).protocol.replace(/:$/, '')
    const handler = protocol.handlers.get(scheme)
    if (!handler) throw new Error(`no handler for ${scheme}:`)
    const { signal: _pageSignal, ...withoutSignal } = init ?? {}
    return Promise.resolve(handler(new Request(url, withoutSignal)))
  },
}

/**
 * Electron's net.fetch uses Chromium's network stack; here it is Node's fetch, to real servers. One
 * difference is kept: with `redirect: 'manual'` net.fetch does not return the 3xx as Node's fetch
 * does, it rejects with "Redirect was cancelled" (its ClientRequest dies when nobody follows).
 */
export const net = {
  async fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    const response = await globalThis.fetch(input, init)
    const manual =
      (init?.redirect ?? (input instanceof Request ? input.redirect : 'follow')) === 'manual'
    if (manual && response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel()
      throw new Error('Redirect was cancelled')
    }
    return response
  },
}

// ---- IPC ----------------------------------------------------------------------------------

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown

export const ipcMain = new (class extends EventEmitter {
  readonly handlers = new Map<string, IpcHandler>()
  handle(channel: string, handler: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /**
   * Test helper: an ipcRenderer.invoke from the given sender, answered as Electron answers it. A
   * handler's thrown error reaches the renderer as a new Error carrying only its message, with
   * Electron's prefix; its class and properties (a `kind`) are lost.
   */
  async fakeInvoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) {
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      )
    }
    try {
      // Replies cross as structured clones, like Electron's IPC.
      return structuredClone(await handler(event, ...args))
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error -- Electron drops the original error too
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`)
    }
  }
})()

/** An IPC event as main sees it, from a frame at the given URL in the given web contents. */
export function fakeIpcEvent(
  sender: FakeWebContents,
  frameUrl: string | null,
  parent: FakeWebFrameMain | null = null,
): { sender: FakeWebContents; senderFrame: FakeWebFrameMain | null } {
  return {
    sender,
    senderFrame: frameUrl === null ? null : new FakeWebFrameMain(frameUrl, parent),
  }
}

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api)
  },
}

export const ipcRenderer = new (class extends EventEmitter {
  readonly invocations: { channel: string; args: unknown[] }[] = []
  readonly sent: { channel: string; args: unknown[] }[] = []
  invokeResults = new Map<string, unknown>()
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args })
    return Promise.resolve(this.invokeResults.get(channel))
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
})()

// ---- System services ----------------------------------------------------------------------

export const powerSaveBlocker = {
  active: new Map<number, string>(),
  nextId: 1,
  start(type: string): number {
    const id = powerSaveBlocker.nextId++
    powerSaveBlocker.active.set(id, type)
    return id
  },
  stop(id: number): boolean {
    return powerSaveBlocker.active.delete(id)
  },
  isStarted(id: number): boolean {
    return powerSaveBlocker.active.has(id)
  },
}

/** Reversible stand-in for DPAPI: "encrypts" by prefixing and base64-encoding. */
export const safeStorage = {
  available: true,
  /**
   * Every call, in order. On Linux the first call may block on a keyring prompt, so tests check
   * the kiosk only calls safeStorage when the machine file asks for it.
   */
  calls: [] as string[],
  isEncryptionAvailable(): boolean {
    safeStorage.calls.push('isEncryptionAvailable')
    return safeStorage.available
  },
  encryptString(plainText: string): Buffer {
    safeStorage.calls.push('encryptString')
    if (!safeStorage.available) throw new Error('Encryption is not available.')
    return Buffer.from(`fake-dpapi:${plainText}`, 'utf8')
  },
  decryptString(encrypted: Buffer): string {
    safeStorage.calls.push('decryptString')
    if (!safeStorage.available) throw new Error('Encryption is not available.')
    const text = encrypted.toString('utf8')
    if (!text.startsWith('fake-dpapi:')) throw new Error('Error while decrypting the ciphertext')
    return text.slice('fake-dpapi:'.length)
  },
}

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    shell.opened.push(url)
    return Promise.resolve()
  },
}

/** Returns every fake to its initial state; call in beforeEach. */
export function resetFake(): void {
  app.reset()
  BrowserWindow.created.length = 0
  WebContentsView.created.length = 0
  partitions.clear()
  session.defaultSession = new FakeSession('')
  Menu.applicationMenu = undefined
  protocol.privilegedSchemes.length = 0
  protocol.handlers.clear()
  ipcMain.handlers.clear()
  ipcMain.removeAllListeners()
  contextBridge.exposed.clear()
  ipcRenderer.invocations.length = 0
  ipcRenderer.sent.length = 0
  ipcRenderer.invokeResults.clear()
  ipcRenderer.removeAllListeners()
  powerSaveBlocker.active.clear()
  safeStorage.available = true
  safeStorage.calls.length = 0
  fakePrinters.names = ['Receipt Printer']
  fakePrinters.answer = { success: true, failureReason: '' }
  shell.opened.length = 0
}

export default {
  app,
  BrowserWindow,
  WebContentsView,
  Menu,
  ipcMain,
  ipcRenderer,
  contextBridge,
  session,
  protocol,
  net,
  powerSaveBlocker,
  safeStorage,
  shell,
}
