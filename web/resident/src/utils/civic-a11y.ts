// H5 only: uni-app renders <input>/<textarea> inside <uni-input>/<uni-textarea> and leaves the
// `aria-label` we write on the wrapper, so screen readers (and axe's `label` rule) find the real
// field unnamed. Its buttons and tappable views are not focusable either, which leaves a long
// page with nothing a keyboard can reach (axe `scrollable-region-focusable`). One observer, set
// up once, copies the label onto the inner field and makes tappable things focusable.

const TAPPABLE = 'uni-button, [role=button], [role=link], [role=tab], [role=radio], [role=checkbox]'

function mend(root: ParentNode): void {
  root.querySelectorAll('uni-input[aria-label], uni-textarea[aria-label]').forEach((wrapper) => {
    const field = wrapper.querySelector('input, textarea')
    const label = wrapper.getAttribute('aria-label')
    if (field && label && field.getAttribute('aria-label') !== label) {
      field.setAttribute('aria-label', label)
    }
  })
  root.querySelectorAll(`${TAPPABLE}`).forEach((el) => {
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0')
  })
}

let observer: MutationObserver | null = null

/** Call from a screen's setup; harmless where it is already installed, and a no-op off H5. */
export function mendAccessibility(): void {
  // #ifdef H5
  if (observer || typeof document === 'undefined' || typeof MutationObserver === 'undefined') return
  mend(document)
  let queued = false
  observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    Promise.resolve().then(() => {
      queued = false
      if (observer) mend(document)
    })
  })
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] })
  // #endif
}

/** Stop watching (tests). */
export function stopMending(): void {
  observer?.disconnect()
  observer = null
}
