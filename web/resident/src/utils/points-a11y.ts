// uni-h5 renders <textarea aria-label="…"> as <uni-textarea aria-label="…"><textarea> without
// passing the label to the inner field, which screen readers (and axe) then find unnamed.
// On H5, copy the wrapper's label to the field; the mini-program has no DOM to fix.
import { nextTick } from 'vue'

export function labelInnerFields(): void {
  // #ifdef H5
  void nextTick(() => {
    if (typeof document === 'undefined') return
    document.querySelectorAll('uni-textarea[aria-label], uni-input[aria-label]').forEach((wrapper) => {
      const field = wrapper.querySelector('textarea, input')
      const label = wrapper.getAttribute('aria-label')
      if (field && label && !field.hasAttribute('aria-label')) field.setAttribute('aria-label', label)
    })
  })
  // #endif
}
