import { describe, expect, it } from 'vitest'
import {
  actorLabel,
  MAX_PHOTOS,
  ownPhotos,
  petitionBody,
  photosLeft,
  ratingHint,
  ratingOutcome,
  residentActions,
  statusLabel,
  timelineLabel,
  type PetitionForm,
  type TimelineEntry,
} from '../../src/utils/petitions'

const entry = (over: Partial<TimelineEntry>): TimelineEntry => ({
  id: 'e',
  at: '2026-11-30T01:00:00Z',
  kind: 'status',
  public: true,
  actor_role: 'manager',
  action: null,
  from_status: null,
  to_status: null,
  text: null,
  progress: null,
  attachment_ids: [],
  ...over,
})

describe('timeline labels', () => {
  it('names each status change by its action', () => {
    expect(timelineLabel(entry({ action: 'submit', to_status: 'submitted', actor_role: 'author' }))).toBe('提出诉求')
    expect(timelineLabel(entry({ action: 'accept', from_status: 'submitted', to_status: 'accepted' }))).toBe('已受理')
    expect(timelineLabel(entry({ action: 'resolve', to_status: 'resolved' }))).toBe('已办结')
    expect(timelineLabel(entry({ action: 'rate', to_status: 'closed' }))).toBe('评价后办结')
    expect(timelineLabel(entry({ action: 'reopen', to_status: 'reopened' }))).toBe('重新办理')
  })
  it('falls back to the new status, and names other entries by kind', () => {
    expect(timelineLabel(entry({ action: 'unknown', to_status: 'in_progress' }))).toBe('办理中')
    expect(timelineLabel(entry({ kind: 'progress', progress: 60 }))).toBe('办理进展 60%')
    expect(timelineLabel(entry({ kind: 'progress' }))).toBe('办理进展')
    expect(timelineLabel(entry({ kind: 'reply' }))).toBe('办结答复')
    expect(timelineLabel(entry({ kind: 'rating' }))).toBe('居民评价')
    expect(timelineLabel(entry({ kind: 'something_new' }))).toBe('something_new')
  })
  it('names who acted', () => {
    expect(actorLabel('author')).toBe('提出人')
    expect(actorLabel('staff')).toBe('工作人员')
    expect(actorLabel('system')).toBe('系统')
    expect(actorLabel('other')).toBe('')
  })
  it('labels statuses in Chinese and leaves unknown ones as given', () => {
    expect(statusLabel('resolved')).toBe('已办结待评价')
    expect(statusLabel('closed')).toBe('已关闭')
    expect(statusLabel('weird')).toBe('weird')
  })
})

describe('which actions the resident is offered', () => {
  it('keeps only the author actions the service allows, in screen order', () => {
    expect(residentActions(['reopen', 'note', 'close', 'rate'])).toEqual(['rate', 'close', 'reopen'])
    expect(residentActions(['cancel'])).toEqual(['cancel'])
    expect(residentActions(['accept', 'reject', 'assign'])).toEqual([])
    expect(residentActions(undefined)).toEqual([])
  })
  it('says what a rating will do, as the service decides it', () => {
    expect(ratingOutcome(5, 0)).toBe('close')
    expect(ratingOutcome(3, 0)).toBe('close')
    expect(ratingOutcome(2, 0)).toBe('reopen')
    expect(ratingOutcome(1, 1)).toBe('reopen')
    expect(ratingOutcome(1, 2)).toBe('close') // no reopens left
    expect(ratingHint(0, 0)).toBe('请选择 1–5 分')
    expect(ratingHint(4, 0)).toContain('关闭')
    expect(ratingHint(2, 0)).toContain('重新办理')
  })
})

describe('a new petition', () => {
  const form = (over: Partial<PetitionForm> = {}): PetitionForm => ({
    categoryId: 'cat',
    title: ' 路灯坏了 ',
    content: ' 村口路灯不亮 ',
    address: '',
    lat: null,
    long: null,
    visibility: 'public',
    anonymousOnBoard: false,
    ...over,
  })
  it('needs a location: coordinates or an address', () => {
    const { body, errors } = petitionBody(form(), 'c1')
    expect(body).toBeNull()
    expect(errors.location).toBe('请获取定位或填写地址')
  })
  it('builds the body with trimmed text and whatever location was given', () => {
    const typed = petitionBody(form({ address: ' 村口 ' }), 'c1').body
    expect(typed).toEqual({
      community_id: 'c1',
      category_id: 'cat',
      title: '路灯坏了',
      content: '村口路灯不亮',
      location: { address: '村口' },
      visibility: 'public',
      anonymous_on_board: false,
    })
    const gps = petitionBody(form({ lat: 30.1234567, long: 104.0000001 }), 'c1').body
    expect(gps?.location).toEqual({ lat: 30.123457, long: 104 })
  })
  it('names every missing field', () => {
    const { errors } = petitionBody(form({ categoryId: '', title: ' ', content: '' }), null)
    expect(Object.keys(errors).sort()).toEqual(['category_id', 'community_id', 'content', 'location', 'title'])
  })
  it('hides the name on the board only for a public petition', () => {
    const body = petitionBody(form({ address: 'x', visibility: 'private', anonymousOnBoard: true }), 'c').body
    expect(body?.anonymous_on_board).toBe(false)
  })
  it('caps photos at nine', () => {
    expect(photosLeft(0)).toBe(MAX_PHOTOS)
    expect(photosLeft(7)).toBe(2)
    expect(photosLeft(12)).toBe(0)
  })
  it('tells the petition’s own photos from those of timeline entries', () => {
    const a = (id: string) => ({ id, content_type: 'image/png', url: `/x/${id}` })
    const own = ownPhotos([a('1'), a('2')], [entry({ kind: 'reply', attachment_ids: ['2'] })])
    expect(own.map((x) => x.id)).toEqual(['1'])
  })
})
