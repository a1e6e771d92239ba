/**
 * "To the next event" and "To expiry" act on the whole sandbox: with several requests in progress
 * the Clock card names the one each move goes to (the earliest), so a tester following one request
 * knows when the move is another's.
 */
import { describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import type { AdminRequest } from '@contract/admin'
import ControlsClock from '@/components/controls/ControlsClock.vue'
import { admin, iso } from '../../unit/utils/admin-request-support'

const NOW = Date.parse('2026-11-25T20:00:00.000Z')

/** A request in progress with `sent` events of its workflow out, the next due `nextIn` s from now. */
function inProgress(
  idEnd: string,
  patch: Partial<AdminRequest> & { sent: AdminRequest['events'][number]['type'][] },
  nextIn: number | null,
  expiresIn: number,
): AdminRequest {
  const { sent, ...rest } = patch
  return admin({
    request_id: idEnd.padStart(32, '0'),
    events: sent.map((type, index) => ({
      id: `e${index}`,
      type,
      index,
      sent_at: iso(NOW - 1000),
      new_pin: index === 0,
      price: '0.03',
    })),
    next_event_at: nextIn === null ? null : iso(NOW + nextIn * 1000),
    expires_at: iso(NOW + expiresIn * 1000),
    ...rest,
  })
}

/** What a screen reader says of `button` beside its name: the text of its aria-describedby. */
function description(wrapper: VueWrapper, button: string): string {
  const found = wrapper.findAll('button').find((b) => b.text().startsWith(button))
  expect(found, button).toBeDefined()
  const ids = (found!.attributes('aria-describedby') ?? '').split(' ').filter(Boolean)
  return ids.map((id) => wrapper.get(`#${id}`).text()).join(' ')
}

async function press(wrapper: VueWrapper, button: string): Promise<void> {
  await wrapper
    .findAll('button')
    .find((b) => b.text().startsWith(button))!
    .trigger('click')
}

/** Four requests in progress: a PSD2 request's call is the next event, another's SMS expires first. */
const FOUR = [
  inProgress(
    'a1a1a1',
    { workflow_id: 1, normalized_number: '447700900001', sent: ['sms'] },
    115,
    595,
  ),
  inProgress(
    'b2b2b2',
    { kind: 'psd2', workflow_id: 1, normalized_number: '447700900002', sent: ['sms', 'tts'] },
    20,
    320,
  ),
  inProgress(
    'c3c3c3',
    { workflow_id: 6, normalized_number: '447700900003', sent: ['sms'] },
    null,
    35,
  ),
  inProgress(
    'd4d4d4',
    { workflow_id: 2, normalized_number: '447700900004', sent: ['sms'] },
    90,
    570,
  ),
]

function mountClock(requests: AdminRequest[], nextIn: number | null, expiresIn: number) {
  return mount(ControlsClock, {
    props: {
      now: NOW,
      nextEventAt: nextIn === null ? null : NOW + nextIn * 1000,
      expiryAt: NOW + expiresIn * 1000,
      inProgress: requests.length,
      requests,
    },
  })
}

describe('the Clock card names the request each move goes to', () => {
  it("with four in progress: the next event is a PSD2 request's third call, the first expiry another's", async () => {
    const wrapper = mountClock(FOUR, 20, 35)
    expect(description(wrapper, 'To the next event')).toBe(
      'Next event: TTS 3 of workflow 1 for PSD2 request …b2b2b2 to +447700900002.',
    )
    expect(description(wrapper, 'To expiry')).toBe(
      'First to expire: request …c3c3c3 to +447700900003.',
    )
    await press(wrapper, 'To the next event')
    await press(wrapper, 'To expiry')
    await press(wrapper, '+30 s')
    expect(wrapper.emitted('advance')).toEqual([
      [20, 'TTS 3 of workflow 1 for PSD2 request …b2b2b2 to +447700900002 is due'],
      [35, 'request …c3c3c3 to +447700900003 is due to expire'],
      [30],
    ])
  })

  it('names the second SMS of workflow 2 (SMS → SMS → TTS) "SMS 2 of workflow 2"', () => {
    const wrapper = mountClock([FOUR[3]!], 90, 570)
    expect(description(wrapper, 'To the next event')).toBe(
      'Next event: SMS 2 of workflow 2 for request …d4d4d4 to +447700900004.',
    )
  })

  it('says how many more requests the same move reaches when their events fall due together', async () => {
    const twin = inProgress(
      'e5e5e5',
      { workflow_id: 3, normalized_number: '447700900005', sent: ['tts'] },
      20,
      300,
    )
    const third = inProgress(
      'f6f6f6',
      { workflow_id: 5, normalized_number: '447700900006', sent: ['sms'] },
      19.5,
      320,
    )
    const wrapper = mountClock([...FOUR, twin, third], 19.5, 35)
    // The move is rounded up to whole seconds (+20 s): it reaches all three events.
    expect(description(wrapper, 'To the next event')).toBe(
      'Next event: TTS 2 of workflow 5 for request …f6f6f6 to +447700900006 (and the next event of 2 more requests).',
    )
    await press(wrapper, 'To the next event')
    expect(wrapper.emitted('advance')).toEqual([
      [
        20,
        'TTS 2 of workflow 5 for request …f6f6f6 to +447700900006 (and the next event of 2 more requests) is due',
      ],
    ])
  })
})
