// H5 only: uni-app renders <input>/<textarea> inside its own <uni-input>/<uni-textarea>
// element, so the `aria-label` a screen puts on the component lands on the wrapper and the
// real form control has no name for screen readers. This copies the wrapper's label onto the
// control, for every control that appears, on every screen.

const HOSTS = 'uni-input[aria-label], uni-textarea[aria-label]'

export function labelControls(root: ParentNode): number {
  let labelled = 0
  root.querySelectorAll(HOSTS).forEach((host) => {
    const label = host.getAttribute('aria-label') ?? ''
    host.querySelectorAll('input, textarea').forEach((control) => {
      if (control.getAttribute('aria-label') !== label) {
        control.setAttribute('aria-label', label)
        labelled += 1
      }
    })
  })
  return labelled
}

export function watchControlLabels(doc: Document): MutationObserver {
  labelControls(doc)
  const observer = new MutationObserver(() => labelControls(doc))
  observer.observe(doc.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-label'],
  })
  return observer
}
