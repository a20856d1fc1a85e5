import { describe, expect, it } from 'vitest'
import { optOutKeyword } from '../../shared/notifications/rules/opt-out.ts'
import { maskProviderText } from '../../shared/notifications/rules/provider-text.ts'
import { renderTemplate } from '../../shared/notifications/rules/templates.ts'
import { maskPhone } from '../../shared/platform/masking.ts'

const params = {
  officerName: '王芳',
  sequence: '1',
  matterId: 'c-1',
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

describe('provider error texts', () => {
  it('masks mainland mobiles in any form, other E.164 numbers and identity numbers', () => {
    expect(
      maskProviderText(
        'to +8613812341234, 13912345678 and 86 13700137000: owner 33010619900101123X, +85291234567',
      ),
    ).toBe('to 138****1234, 139****5678 and 137****7000: owner 330***********123X, ********4567')
  })
  it('leaves other text and numbers alone', () => {
    expect(maskProviderText('Rate exceeded (429), retry after 2000 ms')).toBe(
      'Rate exceeded (429), retry after 2000 ms',
    )
  })
})

describe('opt-out keywords', () => {
  it('are the documented ones, in any case or width, with spaces and punctuation trimmed', () => {
    for (const text of ['退订', ' 退订。', 'TD', 'td', 'ＴＤ', 'STOP', 'Stop!', 'ｓｔｏｐ']) {
      expect(optOutKeyword(text), text).toBeDefined()
    }
  })
  it('are not 取消 (a natural answer to an appointment), nor T, nor a sentence', () => {
    for (const text of ['取消', 'T', 't', 'Ｔ', '取消预约', '请勿退订', 'UNSUBSCRIBE', 'stop it']) {
      expect(optOutKeyword(text), text).toBeUndefined()
    }
  })
})
