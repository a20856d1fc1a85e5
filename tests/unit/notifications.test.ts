import { describe, expect, it } from 'vitest'
import { renderTemplate } from '../../shared/domain/notifications/templates.ts'
import { maskPhone } from '../../shared/masking.ts'

const params = {
  officerName: '王芳',
  sequence: '1',
  caseId: 'c-1',
  petitionerName: '李明',
  dueDate: '2026-03-02',
}

describe('SMS texts', () => {
  it('renders the officer reminder in Chinese', () => {
    expect(renderTemplate('officer-visit-reminder', 'zh-CN', params)).toBe(
      '【回访提醒】王芳：信访事项c-1的第1次回访（回访对象李明）应于2026-03-02完成。',
    )
  })

  it('renders English for an English-speaking officer, and falls back to Chinese for an unknown locale', () => {
    expect(renderTemplate('officer-visit-reminder', 'en', params)).toContain('return visit 1 on matter c-1')
    expect(renderTemplate('officer-visit-reminder', 'fr', params)).toContain('【回访提醒】')
  })

  it('refuses to render with a parameter missing', () => {
    const { dueDate: _, ...missing } = params
    expect(() => renderTemplate('officer-visit-reminder', 'zh-CN', missing)).toThrow(/dueDate/)
  })
})

describe('masking', () => {
  it('shows a mainland mobile as 138****1234', () => {
    expect(maskPhone('+8613812341234')).toBe('138****1234')
  })
  it('keeps only the last four characters of anything else', () => {
    expect(maskPhone('+85291234567')).toBe('********4567')
  })
})
