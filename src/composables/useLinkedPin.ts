/**
 * The PIN a link hands to the request page (`?pin=1234`, the Handset's "Enter PIN"): a code as the
 * field takes it (4 to 10 digits, or a custom PIN's characters), else ignored. Once the first read
 * is back it is put into the field while it is still the request's current PIN (or nothing says
 * otherwise); one a newer PIN replaced is left out, saying so. The `?pin=` is then dropped from the
 * address: a reload or a link copied never brings it back.
 */
import { ref, toValue, watch, type MaybeRefOrGetter } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { pinInputError } from '@/utils/request-state'

export interface LinkedPinSources {
  /** Whether the request is being read. */
  isLoading: MaybeRefOrGetter<boolean>
  /** The request's current PIN, where the page knows it (the sandbox's view); else null. */
  currentPin: MaybeRefOrGetter<string | null>
}

export function useLinkedPin(sources: LinkedPinSources) {
  const route = useRoute()
  const router = useRouter()
  const linkedPin = (() => {
    const pin = route.query.pin
    if (typeof pin !== 'string') return ''
    return pinInputError(pin) === null || pinInputError(pin, true) === null ? pin : ''
  })()
  /** The linked PIN, put into the field. */
  const prefilledPin = ref('')
  /** The linked PIN a newer one replaced: left out of the field, said next to it. */
  const replacedPin = ref('')
  let pinLinkUsed = linkedPin === ''
  watch(
    () => toValue(sources.isLoading),
    (loading) => {
      if (loading || pinLinkUsed) return
      pinLinkUsed = true
      const current = toValue(sources.currentPin)
      if (current !== null && current !== '' && current !== linkedPin) replacedPin.value = linkedPin
      else prefilledPin.value = linkedPin
      const query = { ...route.query }
      delete query.pin
      void router.replace({ path: route.path, query, hash: route.hash })
    },
    { immediate: true },
  )
  return { prefilledPin, replacedPin }
}
