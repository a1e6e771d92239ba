import { describe, expect, it } from 'vitest'
import { ENVIRONMENT_IDS } from '@contract/desk'
import { environmentInSentence, environmentName } from '@/utils/environment-name'

describe('environment names', () => {
  it('names each environment on its own as a label', () => {
    expect(environmentName('sandbox')).toBe('Sandbox')
    expect(environmentName('live')).toBe('Live')
  })

  it('names each environment inside a sentence: the sandbox is a common noun, Live a name', () => {
    expect(`Could not refresh the requests in ${environmentInSentence('sandbox')}.`).toBe(
      'Could not refresh the requests in the sandbox.',
    )
    expect(`Could not refresh the requests in ${environmentInSentence('live')}.`).toBe(
      'Could not refresh the requests in Live.',
    )
  })

  it('has a name for every environment the server can offer', () => {
    for (const id of ENVIRONMENT_IDS) {
      expect(environmentName(id).toLowerCase()).toBe(id)
      expect(environmentInSentence(id).toLowerCase()).toMatch(new RegExp(`\\b${id}$`))
    }
  })
})
