/**
 * Planned visits (the clinic's calendar) in words both apps use. Pure
 * functions: no DOM, unit-tested.
 */
import type { Appointment, AppointmentKind } from './types';

export const APPOINTMENT_KINDS: readonly { value: AppointmentKind; label: string }[] = [
  { value: 'session', label: 'Treatment session' },
  { value: 'evaluation', label: 'Follow-up evaluation' },
];

/** "session" -> "Treatment session"; an unknown kind is shown as sent. */
export function appointmentKindLabel(kind: string): string {
  return APPOINTMENT_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** The soonest appointment still ahead of `now` (the server's list may be a little old), or null. */
export function nextAppointment(items: readonly Appointment[], now: Date = new Date()): Appointment | null {
  let best: Appointment | null = null;
  let bestAt = Infinity;
  for (const item of items) {
    const at = new Date(item.scheduled_at).getTime();
    if (Number.isNaN(at) || at <= now.getTime()) continue;
    if (at < bestAt) {
      best = item;
      bestAt = at;
    }
  }
  return best;
}
