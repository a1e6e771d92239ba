/** Durations in words for countdowns and timelines: `12 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  const rest = s % 60
  if (minutes < 60) return `${minutes} min ${String(rest).padStart(2, '0')} s`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
}
