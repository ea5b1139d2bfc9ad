// Before the compiled mini-program is loaded: a small `wx` (storage in a Map, navigation
// recorded, `wx.request` answered by the test's fake network), `App`/`getApp`, and
// `getCurrentPages`. uni-app's mp runtime (common/vendor.js) registers pages through
// `wx.createPage` → `Component`, which miniprogram-simulate provides.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { vi } from 'vitest'

export const DIST = join(__dirname, '../../dist/build/mp-weixin')

if (!existsSync(join(DIST, 'app.json'))) {
  throw new Error(
    `no mini-program build at ${DIST}: run \`npm run build:mp\` first (the smoke test builds nothing)`,
  )
}

export interface FakeRequest {
  url: string
  method: string
  data?: unknown
  header: Record<string, string>
}
export type FakeAnswer = { statusCode: number; data: unknown }

export const fake = {
  storage: new Map<string, unknown>(),
  requests: [] as FakeRequest[],
  answer: (_r: FakeRequest): FakeAnswer => ({ statusCode: 404, data: { title: '未找到', status: 404 } }),
  navigations: [] as Array<{ how: string; url: string }>,
  toasts: [] as string[],
}

type Callbacks = { success?: (res: unknown) => void; fail?: (err: unknown) => void; complete?: (res: unknown) => void }
const done = (options: Callbacks, res: Record<string, unknown> = {}) => {
  const answer = { errMsg: 'ok', ...res }
  queueMicrotask(() => {
    options.success?.(answer)
    options.complete?.(answer)
  })
}
const navigate = (how: string) => (options: Callbacks & { url: string }) => {
  fake.navigations.push({ how, url: options.url })
  done(options)
}

const system = {
  platform: 'devtools',
  pixelRatio: 2,
  windowWidth: 390,
  windowHeight: 844,
  screenWidth: 390,
  screenHeight: 844,
  statusBarHeight: 20,
  language: 'zh_CN',
  version: '8.0.50',
  SDKVersion: '3.6.0',
  system: 'iOS 17',
  brand: 'devtools',
  model: 'iPhone',
  safeArea: { top: 20, bottom: 844, left: 0, right: 390, width: 390, height: 824 },
}

const wx = {
  getSystemInfoSync: () => system,
  getWindowInfo: () => system,
  getDeviceInfo: () => system,
  getAppBaseInfo: () => system,
  getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop' } }),
  getLaunchOptionsSync: () => ({ path: 'pages/login/index', query: {}, scene: 1001 }),
  onAppShow: () => undefined,
  onAppHide: () => undefined,
  offAppShow: () => undefined,
  offAppHide: () => undefined,
  preloadAssets: () => undefined,
  canIUse: () => true,
  getStorageSync: (key: string) => (fake.storage.has(key) ? fake.storage.get(key) : ''),
  setStorageSync: (key: string, value: unknown) => void fake.storage.set(key, value),
  removeStorageSync: (key: string) => void fake.storage.delete(key),
  setStorage: (o: Callbacks & { key: string; data: unknown }) => {
    fake.storage.set(o.key, o.data)
    done(o)
  },
  request: (o: Callbacks & FakeRequest) => {
    const request = { url: o.url, method: o.method, data: o.data, header: o.header }
    fake.requests.push(request)
    const answer = fake.answer(request)
    done(o, { ...answer, header: {} })
    return { abort: () => undefined }
  },
  switchTab: navigate('switchTab'),
  navigateTo: navigate('navigateTo'),
  redirectTo: navigate('redirectTo'),
  reLaunch: navigate('reLaunch'),
  navigateBack: (o: Callbacks) => done(o),
  showToast: (o: Callbacks & { title: string }) => {
    fake.toasts.push(o.title)
    done(o)
  },
  showModal: (o: Callbacks) => done(o, { confirm: false, cancel: true }),
  showLoading: (o: Callbacks) => done(o),
  hideLoading: (o: Callbacks = {}) => done(o),
  stopPullDownRefresh: (o: Callbacks = {}) => done(o),
  setNavigationBarTitle: (o: Callbacks) => done(o),
  login: (o: Callbacks) => done(o, { code: 'wx-code' }),
  nextTick: (fn: () => void) => setTimeout(fn, 0),
}

const g = globalThis as Record<string, unknown>
g.wx = wx
let app: Record<string, unknown> | null = null
g.App = (options: Record<string, unknown>) => {
  app = options
  ;(options.onLaunch as ((o: unknown) => void) | undefined)?.call(options, { path: 'pages/login/index', query: {} })
}
g.Page = () => undefined // uni-app registers pages with Component, but keeps a reference to Page
g.getApp = () => app
g.getCurrentPages = () => []
g.__wxConfig = { envVersion: 'develop', platform: 'devtools', accountInfo: { appId: 'touristappid' } }
vi.stubGlobal('requestAnimationFrame', (fn: () => void) => setTimeout(fn, 0))
