import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/problem'
import {
  apiFieldErrors,
  HOME_ENTRIES,
  idNumberError,
  isTab,
  loginErrors,
  registrationErrors,
  verificationView,
} from '../../src/utils/account'

describe('account rules', () => {
  it('checks a phone and the secret before asking identity', () => {
    expect(loginErrors('password', '', '')).toEqual({ phone: '请输入手机号', password: '请输入密码' })
    expect(loginErrors('password', '1380000', 'x')).toEqual({ phone: '手机号应为 11 位数字' })
    expect(loginErrors('sms', '13800002001', '12')).toEqual({ code: '请输入 6 位验证码' })
    expect(loginErrors('sms', '13800002001', '123456')).toEqual({})
  })

  it('asks for every registration field, the community included', () => {
    const form = { phone: '13800002001', password: 'short', name: ' ', community_id: '' }
    expect(Object.keys(registrationErrors(form)).sort()).toEqual(['community_id', 'name', 'password'])
    expect(registrationErrors({ ...form, password: 'Passw0rd!', name: '王', community_id: 'c' })).toEqual({})
  })

  it('accepts a real ID number and names what is wrong with a bad one', () => {
    expect(idNumberError('11010519491231002X')).toBe('')
    expect(idNumberError('11010519491231002x')).toBe('')
    expect(idNumberError('110105194912310021')).toBe('身份证号校验位不正确')
    expect(idNumberError('110105194902300021')).toBe('身份证号中的出生日期无效')
    expect(idNumberError('1101051949')).toBe('身份证号应为 18 位')
  })

  it('maps the API field errors and leaves fieldless ones to the page', () => {
    const named = new ApiError(409, { status: 409, detail: '该手机号已注册', field: 'phone' })
    expect(apiFieldErrors(named)).toEqual({ phone: '该手机号已注册' })
    expect(apiFieldErrors(new ApiError(401, { status: 401, detail: '手机号或密码错误' }))).toEqual({})
    expect(apiFieldErrors(new Error('x'))).toEqual({})
  })

  it('offers the form only before a request and after a rejection', () => {
    expect(verificationView('unverified').canSubmit).toBe(true)
    expect(verificationView('rejected')).toMatchObject({ label: '未通过', canSubmit: true })
    expect(verificationView('pending').canSubmit).toBe(false)
    expect(verificationView('verified')).toMatchObject({ label: '已认证', tone: 'ok' })
    expect(verificationView(undefined).canSubmit).toBe(false)
  })

  it('knows which entries are tabs', () => {
    expect(isTab('/pages/points/index')).toBe(true)
    expect(isTab('/pages/mall/index?x=1')).toBe(true)
    expect(isTab('/pages/notices/index')).toBe(false)
    expect(HOME_ENTRIES.filter((e) => isTab(e.url)).map((e) => e.label)).toEqual(['我的积分'])
  })
})
