import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HistoryLookupForm from '@/components/history/HistoryLookupForm.vue'

describe('HistoryLookupForm environment', () => {
  it('says in sight, not only in a hover title, that Live looks up with the real API', async () => {
    const form = mount(HistoryLookupForm, {
      props: { environment: 'sandbox', liveAvailable: true, busy: false },
    })
    expect(form.find('[data-testid="lookup-live-note"]').exists()).toBe(false)
    await form.setProps({ environment: 'live' })
    expect(form.get('[data-testid="lookup-live-note"]').text()).toBe(
      "Live: the search calls go to the real Vonage API with this server's live account.",
    )
  })
})
