// Rendering compiled mini-program pages with miniprogram-simulate (j-component underneath).
// uni-app binds events by name from data (`bindtap="{{c}}"`), which WeChat supports and
// j-component does not (it takes "{{c}}" as the method name). So, and only for the simulator,
// each page's WXML is read with those bindings rewritten to one dispatcher method that looks the
// name up in the element's dataset: `bindtap="__simDispatch" data-sim-tap="{{c}}"`.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { DIST } from './setup'

const require = createRequire(import.meta.url)

interface SimNode {
  dom: HTMLElement
  dispatchEvent(name: string, options?: { detail?: unknown }): void
  querySelector(selector: string): SimNode | null
  querySelectorAll(selector: string): SimNode[]
}
export interface SimPage extends SimNode {
  instance: Record<string, (...args: unknown[]) => unknown>
  attach(parent: HTMLElement): void
  detach(): void
}

const utils = require('miniprogram-simulate/src/utils.js')
const readFile = utils.readFile as (path: string) => string | null
utils.readFile = (path: string) => {
  const content = readFile(path)
  if (!content || !path.endsWith('.wxml')) return content
  return content.replace(
    /\b(bind|catch):?([a-zA-Z_]+)="\{\{([\w$.]+)\}\}"/g,
    (_m, kind: string, event: string, name: string) => `${kind}${event}="__simDispatch" data-sim-${event.toLowerCase()}="{{${name}}}"`,
  )
}

const simulate = require('miniprogram-simulate')

// Every component gets the dispatcher (wrapping the Component that uni's runtime will call).
const simComponent = (globalThis as Record<string, unknown>).Component as (o: Record<string, unknown>) => void
;(globalThis as Record<string, unknown>).Component = (options: Record<string, unknown>) => {
  const methods = (options.methods ?? {}) as Record<string, unknown>
  methods.__simDispatch = function (this: Record<string, (e: unknown) => unknown>, event: {
    type: string
    currentTarget: { dataset: Record<string, string> }
  }) {
    const key = `sim${event.type.charAt(0).toUpperCase()}${event.type.slice(1).toLowerCase()}`
    const name = event.currentTarget.dataset[key]
    return name ? this[name]?.(event) : undefined
  }
  options.methods = methods
  return simComponent(options)
}

// The app: App() registers the root vm that every page's vm is created from.
require(join(DIST, 'app.js'))

export const sleep = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))

/** Loads, renders and shows a page (onLoad then onShow, as the mini-program does). */
export async function openPage(route: string, query: Record<string, string> = {}): Promise<SimPage> {
  const id = simulate.load(join(DIST, route), { rootPath: DIST, compiler: 'simulate' })
  const page = simulate.render(id) as SimPage
  page.attach(document.createElement('parent-wrapper'))
  page.instance.onLoad?.(query)
  page.instance.onShow?.()
  await settle()
  return page
}

/** Lets the page's timers, fake requests and re-renders run. Taps are deferred by uni. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await sleep(5)
}

const exparser = require('miniprogram-exparser')

/** Fires an event on the page's element marked `data-testid` (through exparser, as a tap or an
 * input from the user would be: j-component's own dispatch misses built-ins such as <button>). */
export function fire(page: SimNode, id: string, name: string, detail: unknown = {}): void {
  const element = elementOf(page, id)
  exparser.Event.dispatchEvent(
    element,
    exparser.Event.create(name, detail, { bubbles: true, composed: true, capturePhase: true, extraFields: { touches: {}, changedTouches: {} } }),
  )
}

export function byTestId(page: SimNode, id: string): SimNode {
  const Wrapper = page.constructor as new (element: unknown) => SimNode
  return new Wrapper(elementOf(page, id))
}

function elementOf(page: SimNode, id: string): unknown {
  // j-component's own selectors know no attributes: find the DOM node, then the page's element
  // that renders it (walking the page's shadow tree, slotted content included), and wrap it.
  const dom = page.dom.querySelector(`[data-testid="${id}"]`)
  if (!dom) throw new Error(`no element with data-testid=${id} in ${page.dom.innerHTML.slice(0, 600)}`)
  type El = { $$?: unknown; childNodes?: El[] }
  const root = (page as unknown as { _exparserNode: { shadowRoot: El } })._exparserNode.shadowRoot
  const find = (el: El): El | null => {
    if (el.$$ === dom) return el
    for (const child of el.childNodes ?? []) {
      const hit = find(child)
      if (hit) return hit
    }
    return null
  }
  const element = find(root)
  if (!element) throw new Error(`data-testid=${id} is not an element of the page`)
  return element
}

export async function type(page: SimNode, id: string, value: string): Promise<void> {
  fire(page, id, 'input', { value })
  await settle(2)
}

export async function tap(page: SimNode, id: string): Promise<void> {
  fire(page, id, 'tap')
  await settle()
}

/** The text a person would read (all element text, whitespace collapsed). */
export const text = (page: SimNode) => collapse(page.dom.textContent)

/** The text of the element marked `data-testid`. */
export function textOf(page: SimNode, id: string): string {
  const dom = page.dom.querySelector(`[data-testid="${id}"]`)
  if (!dom) throw new Error(`no element with data-testid=${id} in ${page.dom.innerHTML.slice(0, 600)}`)
  return collapse(dom.textContent)
}

const collapse = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim()
