// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { mend, watchAccessibility } from '../../src/utils/a11y'

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('accessibility mends on H5', () => {
  it('copies the wrapper label onto the real control, once', () => {
    document.body.innerHTML =
      '<uni-input aria-label="手机号"><div><input type="number"></div></uni-input>' +
      '<uni-textarea aria-label="内容"><textarea></textarea></uni-textarea>' +
      '<uni-input><input></uni-input>'
    expect(mend(document)).toBe(2)
    expect(document.querySelector('input[type=number]')?.getAttribute('aria-label')).toBe('手机号')
    expect(document.querySelector('textarea')?.getAttribute('aria-label')).toBe('内容')
    expect(mend(document)).toBe(0)
  })

  it('makes tappables focusable, keeps a tabindex a screen chose, and gives inner images alt', () => {
    document.body.innerHTML =
      '<uni-button>提交</uni-button><div role="link" tabindex="-1">已有</div>' +
      '<uni-image role="img" aria-label="照片"><img src="x.png"></uni-image>'
    mend(document)
    expect(document.querySelector('uni-button')?.getAttribute('tabindex')).toBe('0')
    expect(document.querySelector('[role=link]')?.getAttribute('tabindex')).toBe('-1')
    expect(document.querySelector('img')?.getAttribute('alt')).toBe('')
  })

  it('mends what appears later', async () => {
    document.body.innerHTML = ''
    const observer = watchAccessibility(document)
    document.body.insertAdjacentHTML(
      'beforeend',
      '<uni-input aria-label="密码"><input type="password"></uni-input><div role="radio">是</div>',
    )
    await tick()
    expect(document.querySelector('input')?.getAttribute('aria-label')).toBe('密码')
    expect(document.querySelector('[role=radio]')?.getAttribute('tabindex')).toBe('0')
    observer.disconnect()
  })
})
