// H5 only: what uni-app's DOM leaves out for screen readers and keyboards, mended once for
// every screen (installed from App.vue; the mini-program has no DOM to mend).
// - <input>/<textarea> sit inside uni's own <uni-input>/<uni-textarea>, so the `aria-label` a
//   screen puts on the component lands on the wrapper: it is copied onto the real control.
// - uni's buttons and our tappable views are not focusable, which leaves a long page with
//   nothing a keyboard can reach (axe `scrollable-region-focusable`): they get tabindex 0.
// - uni's <image> appends the loaded <img> without alt; the <uni-image> around it carries the
//   role and name, so the inner one gets alt="" (axe `image-alt`).

const LABELLED_HOSTS = 'uni-input[aria-label], uni-textarea[aria-label]'
const TAPPABLE = 'uni-button, [role=button], [role=link], [role=tab], [role=radio], [role=checkbox]'

/** Mend what is under `root` now; returns how many things it changed. */
export function mend(root: ParentNode): number {
  let changed = 0
  root.querySelectorAll(LABELLED_HOSTS).forEach((host) => {
    const label = host.getAttribute('aria-label') ?? ''
    host.querySelectorAll('input, textarea').forEach((control) => {
      if (control.getAttribute('aria-label') !== label) {
        control.setAttribute('aria-label', label)
        changed += 1
      }
    })
  })
  root.querySelectorAll(TAPPABLE).forEach((el) => {
    if (!el.hasAttribute('tabindex')) {
      el.setAttribute('tabindex', '0')
      changed += 1
    }
  })
  root.querySelectorAll('uni-image img:not([alt])').forEach((img) => {
    img.setAttribute('alt', '')
    changed += 1
  })
  return changed
}

/** Mend now and whenever the page changes (batched to one pass per microtask). */
export function watchAccessibility(doc: Document): MutationObserver {
  mend(doc)
  let queued = false
  const observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      mend(doc)
    })
  })
  observer.observe(doc.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-label'],
  })
  return observer
}
