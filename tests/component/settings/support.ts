/** What the settings forms' tests share. */
import type { VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

/** A page opened afresh: nothing in local or session storage, a new Pinia. */
export function freshSettingsPage(): void {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
}

/** The value a field shows. */
export function valueOf(wrapper: VueWrapper, selector: string): string {
  return (wrapper.get(selector).element as HTMLInputElement).value
}
