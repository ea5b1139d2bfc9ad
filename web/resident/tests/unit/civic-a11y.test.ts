// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { mendAccessibility, stopMending } from '../../src/utils/civic-a11y'

describe('accessibility mending on H5', () => {
  it('names the inner field and makes tappable things focusable, now and as the page changes', async () => {
    document.body.innerHTML =
      '<uni-input aria-label="标题"><div><input></div></uni-input>' +
      '<uni-button>提交</uni-button><div role="link" tabindex="-1">已有</div>'
    mendAccessibility()
    expect(document.querySelector('input')?.getAttribute('aria-label')).toBe('标题')
    expect(document.querySelector('uni-button')?.getAttribute('tabindex')).toBe('0')
    expect(document.querySelector('[role=link]')?.getAttribute('tabindex')).toBe('-1')

    const later = document.createElement('uni-textarea')
    later.setAttribute('aria-label', '具体内容')
    later.appendChild(document.createElement('textarea'))
    document.body.appendChild(later)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(document.querySelector('textarea')?.getAttribute('aria-label')).toBe('具体内容')
    stopMending()
  })
})
