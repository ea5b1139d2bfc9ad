// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { labelControls, watchControlLabels } from '../../src/utils/a11y'

describe('control labels', () => {
  it('copies the wrapper label onto the real control, once', () => {
    document.body.innerHTML =
      '<uni-input aria-label="手机号"><div><input type="number"></div></uni-input>' +
      '<uni-textarea aria-label="内容"><textarea></textarea></uni-textarea>' +
      '<uni-input><input></uni-input>'
    expect(labelControls(document)).toBe(2)
    expect(document.querySelector('input[type=number]')?.getAttribute('aria-label')).toBe('手机号')
    expect(document.querySelector('textarea')?.getAttribute('aria-label')).toBe('内容')
    expect(labelControls(document)).toBe(0)
  })

  it('labels controls that appear later', async () => {
    document.body.innerHTML = ''
    const observer = watchControlLabels(document)
    document.body.insertAdjacentHTML('beforeend', '<uni-input aria-label="密码"><input type="password"></uni-input>')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(document.querySelector('input')?.getAttribute('aria-label')).toBe('密码')
    observer.disconnect()
  })
})
