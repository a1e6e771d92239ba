/** A draft set aside as its owner recognises it: `+447700900777 · SecondCo · sender_id SECOND`. */
export function setAsideSummary(draft: Record<string, string>): string {
  const parts = [draft.number?.trim() || 'no number']
  if (draft.kind === 'psd2') parts.push('PSD2')
  if (draft.brand) parts.push(draft.brand)
  if (draft.sender_id) parts.push(`sender_id ${draft.sender_id}`)
  if (draft.payee) parts.push(`payee ${draft.payee}`)
  if (draft.amount) parts.push(`amount ${draft.amount}`)
  return parts.join(' · ')
}
