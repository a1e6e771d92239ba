/**
 * The handset page's one clock (real time, each second): every "valid until … (in 4 min 59 s)" on
 * the page reads it, however many PINs are shown, rather than each running its own interval.
 */
import { inject, provide, type InjectionKey, type Ref } from 'vue'
import { useNow } from './useCountdown'

const HANDSET_NOW: InjectionKey<Readonly<Ref<number>>> = Symbol('handset-now')

/** In the handset view: starts its clock (stopped when the view unmounts) for all below it. */
export function provideHandsetNow(): Readonly<Ref<number>> {
  const now = useNow({ interval: 1000 })
  provide(HANDSET_NOW, now)
  return now
}

/** The handset view's clock; a component shown without that view around it starts its own. */
export function useHandsetNow(): Readonly<Ref<number>> {
  return inject(HANDSET_NOW, () => useNow({ interval: 1000 }), true)
}
