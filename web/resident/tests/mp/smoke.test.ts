// Smoke test of the compiled mini-program (dist/build/mp-weixin, built before this runs): every
// page is listed and complete, the build printed nothing beyond known lines, and sign-in and the
// home screen work when rendered by miniprogram-simulate. This is a unit-tier test of the
// compiled output: the network is a fake answering `wx.request` (WeChat's runtime and a real
// gateway are out of reach here; the browser journeys in tests/e2e cover the real platform).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { openPage, settle, tap, text, textOf, type } from './harness'
import { DIST, fake, type FakeRequest } from './setup'

const SRC = join(__dirname, '../../src')
const BUILD_LOG = process.env.SZ_MP_BUILD_LOG ?? join(__dirname, '../../dist/mp-weixin.log')

// The lines `uni build -p mp-weixin` prints on a clean build.
const INFO = [
  /^> /, // npm's echo of the script
  /^Compiler version: /,
  /^Compiling\.\.\.$/,
  /^DONE\s+Build complete\.$/,
  /^Run method: open Weixin Mini Program Devtools/,
]
// Warnings we accept, by name.
const ALLOWED_WARNINGS: Record<string, RegExp> = {
  // uni statistics want an appid in manifest.json; the app has none until it is registered.
  'uni appid notice': /The current application is not configured with Appid, and uni statistics cannot be used/,
}

describe('the mini-program build', () => {
  const app = JSON.parse(readFileSync(join(DIST, 'app.json'), 'utf8')) as {
    pages: string[]
    tabBar?: { list: Array<{ pagePath: string }> }
  }
  // pages.json is JSON with optional comments.
  const pagesJson = JSON.parse(
    readFileSync(join(SRC, 'pages.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
  ) as { pages: Array<{ path: string }>; tabBar?: { list: Array<{ pagePath: string }> } }

  it('lists every page of src/pages.json in app.json, in order', () => {
    expect(app.pages).toEqual(pagesJson.pages.map((p) => p.path))
    expect(app.tabBar?.list.map((t) => t.pagePath)).toEqual(pagesJson.tabBar?.list.map((t) => t.pagePath))
  })

  it('has the .js, .json, .wxml and .wxss of every listed page', () => {
    // uni writes no .wxss for a page without a <style> block (WeChat does not need one then).
    const styled = (page: string) => /<style/.test(readFileSync(join(SRC, `${page}.vue`), 'utf8'))
    const missing = app.pages.flatMap((page) =>
      ['js', 'json', 'wxml', ...(styled(page) ? ['wxss'] : [])]
        .map((ext) => `${page}.${ext}`)
        .filter((f) => !existsSync(join(DIST, f))),
    )
    expect(missing).toEqual([])
  })

  it('printed no warnings beyond the named allowlist', () => {
    if (!existsSync(BUILD_LOG)) {
      throw new Error(
        `no build log at ${BUILD_LOG}: build with \`npm run build:mp > dist/mp-weixin.log 2>&1\` (or set SZ_MP_BUILD_LOG)`,
      )
    }
    const lines = readFileSync(BUILD_LOG, 'utf8')
      .split('\n')
      .map((l) => l.replace(/[\u200b\u001b]|\[\d+m/g, '').trim())
      .filter(Boolean)
    expect(lines.some((l) => /Build complete/.test(l))).toBe(true)
    const unexpected = lines.filter(
      (l) => !INFO.some((re) => re.test(l)) && !Object.values(ALLOWED_WARNINGS).some((re) => re.test(l)),
    )
    expect(unexpected).toEqual([])
  })
})

const TOKENS = { access_token: 'ACCESS', refresh_token: 'REFRESH' }
const ME = {
  id: 'p1',
  name: '赵德明',
  phone: '138****2001',
  community_id: 'c1',
  household_id: null,
  verification_status: 'verified',
  roles: [{ role: 'resident', unit_id: 'c1' }],
}
const HOME = {
  profile: { name: '赵德明', verification_status: 'verified' },
  points: { balance: 1280, available: 1200, held: 80, debt: 0, rank_this_month: 3 },
  inbox_unread: 2,
  pinned_notices: null, // notices did not answer in time …
  open_petitions: [],
  pickup_orders: [],
  degraded: ['notices'], // … and the gateway says so
}

function answer(r: FakeRequest) {
  const path = r.url.replace(/^https?:\/\/[^/]+/, '').split('?')[0]
  if (path === '/api/identity/auth/login' && r.method === 'POST') {
    const body = r.data as { phone: string; password: string }
    return body.phone === '13800002001' && body.password === 'Demo@2026'
      ? { statusCode: 200, data: TOKENS }
      : { statusCode: 401, data: { title: '手机号或密码错误', status: 401 } }
  }
  if (path === '/api/identity/me') return { statusCode: 200, data: ME }
  if (path === '/api/me/home') return { statusCode: 200, data: HOME }
  return { statusCode: 404, data: { title: '未找到', status: 404 } }
}

describe('the compiled app in the simulator', () => {
  beforeEach(() => {
    fake.storage.clear()
    fake.requests.length = 0
    fake.navigations.length = 0
    fake.answer = answer
  })

  it('signs in with phone and password and goes to the home tab', async () => {
    const page = await openPage('pages/login/index')
    expect(text(page)).toContain('登录川善治')
    await type(page, 'phone', '13800002001')
    await type(page, 'password', 'Demo@2026')
    await tap(page, 'login')
    await settle(10)

    const login = fake.requests.find((r) => r.url.endsWith('/api/identity/auth/login'))
    expect(login?.data).toEqual({ phone: '13800002001', password: 'Demo@2026' })
    expect(fake.storage.get('sz.tokens')).toEqual(TOKENS)
    expect(fake.navigations).toContainEqual({ how: 'switchTab', url: '/pages/home/index' })
    page.detach()
  })

  it('shows a refusal on the login page and stays there', async () => {
    const page = await openPage('pages/login/index')
    await type(page, 'phone', '13800002001')
    await type(page, 'password', 'wrong')
    await tap(page, 'login')
    await settle(10)
    expect(text(page)).toContain('手机号或密码错误')
    expect(fake.navigations).toEqual([])
    page.detach()
  })

  it('renders home with the balance and a quiet placeholder for a degraded section', async () => {
    fake.storage.set('sz.tokens', TOKENS)
    const page = await openPage('pages/home/index')
    await settle(10)
    const home = fake.requests.find((r) => r.url.endsWith('/api/me/home'))
    expect(home?.header.Authorization).toBe('Bearer ACCESS')
    expect(textOf(page, 'balance')).toBe('1,280')
    expect(textOf(page, 'available')).toBe('1,200')
    expect(text(page)).toContain('2 条未读')
    const quiet = Array.from(page.dom.querySelectorAll('[class~="main--quiet"]')).map((n) => (n.textContent ?? '').trim())
    expect(quiet).toEqual(['暂时无法显示']) // only the notices section, not an error page
    expect(text(page)).not.toContain('网络连接失败')
    page.detach()
  })
})
