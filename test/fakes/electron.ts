/**
 * The one shared fake of the `electron` module. The Electron binary cannot run in CI, so main-process
 * code keeps its decisions in plain functions and tests drive the thin Electron glue through this fake.
 * Use it with: vi.mock('electron', () => import('../fakes/electron.ts'))
 */
import { EventEmitter } from 'node:events'

export class FakeWebContents extends EventEmitter {
  url = ''
  readonly sentMessages: { channel: string; args: unknown[] }[] = []
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null
  destroyed = false

  loadURL(url: string): Promise<void> {
    this.url = url
    return Promise.resolve()
  }
  getURL(): string {
    return this.url
  }
  send(channel: string, ...args: unknown[]): void {
    this.sentMessages.push({ channel, args })
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  reload(): void {
    this.emit('fake:reload')
  }
  close(): void {
    this.destroyed = true
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  readonly options: unknown
  shown = false
  destroyed = false

  constructor(options: unknown) {
    super()
    this.options = options
    BrowserWindow.created.push(this)
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url)
  }
  loadFile(path: string): Promise<void> {
    return this.webContents.loadURL(`file://${path}`)
  }
  show(): void {
    this.shown = true
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  destroy(): void {
    this.destroyed = true
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false
  private readyResolve: (() => void) | null = null
  private readonly ready = new Promise<void>((resolve) => {
    this.readyResolve = resolve
  })
  readonly quitCalls: number[] = []
  singleInstance = true

  whenReady(): Promise<void> {
    return this.ready
  }
  /** Test helper: fire the ready event. */
  fakeReady(): void {
    this.readyResolve?.()
    this.emit('ready')
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance
  }
  quit(): void {
    this.quitCalls.push(Date.now())
  }
  getVersion(): string {
    return '0.0.0-test'
  }
}

export const app = new FakeApp()

export const Menu = {
  applicationMenu: undefined as unknown,
  setApplicationMenu(menu: unknown): void {
    Menu.applicationMenu = menu
  },
}

export const ipcMain = new (class extends EventEmitter {
  readonly handlers = new Map<string, (...args: unknown[]) => unknown>()
  handle(channel: string, handler: (...args: unknown[]) => unknown): void {
    this.handlers.set(channel, handler)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
})()

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api)
  },
}

export const ipcRenderer = new (class extends EventEmitter {
  readonly invocations: { channel: string; args: unknown[] }[] = []
  readonly sent: { channel: string; args: unknown[] }[] = []
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args })
    return Promise.resolve(undefined)
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
})()

export default { app, BrowserWindow, Menu, ipcMain, ipcRenderer, contextBridge }
