/**
 * A ticking clock and countdowns on it, for "cancel possible in 12 s" and friends. One interval per
 * component (stopped when it unmounts); works with `vi.useFakeTimers()`.
 */
import {
  computed,
  getCurrentScope,
  onScopeDispose,
  ref,
  toValue,
  type ComputedRef,
  type MaybeRefOrGetter,
  type Ref,
} from 'vue'
import { formatDuration } from '@/utils/duration'

/**
 * The current time in epoch ms, updated every `interval` ms. `offset` (ms) shifts it, e.g. to the
 * sandbox clock, which may run ahead of real time.
 */
export function useNow(
  options: { interval?: number; offset?: MaybeRefOrGetter<number> } = {},
): Readonly<Ref<number>> {
  const tick = ref(Date.now())
  const timer = setInterval(() => {
    tick.value = Date.now()
  }, options.interval ?? 1000)
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer))
  return computed(() => tick.value + (toValue(options.offset) ?? 0))
}

export interface Countdown {
  /** Whole seconds left (rounded up), `null` without a target. */
  seconds: ComputedRef<number | null>
  /** True once the target has passed. */
  done: ComputedRef<boolean>
  /** `12 s`, `2 min 05 s`, or '' without a target. */
  label: ComputedRef<string>
}

/** Counts down to `target` (epoch ms, or `null` for none) on the clock `now`. */
export function useCountdown(
  target: MaybeRefOrGetter<number | null | undefined>,
  now: Readonly<Ref<number>>,
): Countdown {
  const seconds = computed(() => {
    const t = toValue(target)
    if (t === null || t === undefined) return null
    return Math.max(0, Math.ceil((t - now.value) / 1000))
  })
  return {
    seconds,
    done: computed(() => seconds.value === 0),
    label: computed(() => (seconds.value === null ? '' : formatDuration(seconds.value))),
  }
}
