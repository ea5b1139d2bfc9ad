// H5 only: uni-app's buttons and our tappable views are not focusable, which leaves a long page
// with nothing a keyboard can reach (axe `scrollable-region-focusable`, serious). One observer,
// set up once, makes them focusable. uni's <image> also appends the loaded <img> (for dragging)
// without alt; the <uni-image> around it carries role="img" and the name, so the inner one gets
// alt="" (axe `image-alt`, critical). (Labels of inner inputs: utils/a11y.ts, from App.vue.)

const TAPPABLE = 'uni-button, [role=button], [role=link], [role=tab], [role=radio], [role=checkbox]'

export function makeTappablesFocusable(root: ParentNode): void {
  root.querySelectorAll(TAPPABLE).forEach((el) => {
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0')
  })
  root.querySelectorAll('uni-image img:not([alt])').forEach((img) => img.setAttribute('alt', ''))
}

let observer: MutationObserver | null = null

/** Call from a screen's setup; harmless where it is already installed, and a no-op off H5. */
export function mendAccessibility(): void {
  // #ifdef H5
  if (observer || typeof document === 'undefined' || typeof MutationObserver === 'undefined') return
  makeTappablesFocusable(document)
  let queued = false
  observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    Promise.resolve().then(() => {
      queued = false
      if (observer) makeTappablesFocusable(document)
    })
  })
  observer.observe(document.body, { childList: true, subtree: true })
  // #endif
}

/** Stop watching (tests). */
export function stopMending(): void {
  observer?.disconnect()
  observer = null
}
