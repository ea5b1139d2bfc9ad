// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { mendAccessibility, stopMending } from '../../src/utils/civic-a11y'

describe('focusable tappables on H5', () => {
  it('makes buttons and tappable views focusable, now and as the page changes', async () => {
    document.body.innerHTML = '<uni-button>提交</uni-button><div role="link" tabindex="-1">已有</div>'
    mendAccessibility()
    expect(document.querySelector('uni-button')?.getAttribute('tabindex')).toBe('0')
    expect(document.querySelector('[role=link]')?.getAttribute('tabindex')).toBe('-1')

    const later = document.createElement('div')
    later.setAttribute('role', 'radio')
    document.body.appendChild(later)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(later.getAttribute('tabindex')).toBe('0')

    const image = document.createElement('uni-image')
    document.body.appendChild(image)
    image.appendChild(document.createElement('img'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(image.querySelector('img')?.getAttribute('alt')).toBe('')
    stopMending()
  })
})
