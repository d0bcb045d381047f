/**
 * The "Plan a visit" form's checks on the device: a known kind, a date and
 * time (the device's zone) that is ahead of now and at most a year ahead,
 * as the server checks them. The server checks again; its 422 `errors` land
 * on the same fields.
 */
import type { AppointmentInput, AppointmentKind } from '../shared/types';
import { localInputToIso } from './session-input';

export type AppointmentField = 'kind' | 'scheduled_at';

export interface AppointmentFormValues {
  kind: string;
  /** A datetime-local value ("2026-12-03T14:05"), the device's zone. */
  scheduled_at: string;
}

export interface CheckedAppointment {
  input: AppointmentInput | null;
  errors: Partial<Record<AppointmentField, string[]>>;
}

/** How far ahead a visit may be planned (the server's horizon: 366 days). */
export const HORIZON_MS = 366 * 86_400_000;

const KINDS: readonly AppointmentKind[] = ['session', 'evaluation'];

export function checkAppointment(values: AppointmentFormValues, now: Date = new Date()): CheckedAppointment {
  const errors: Partial<Record<AppointmentField, string[]>> = {};
  const kind = values.kind as AppointmentKind;
  if (!KINDS.includes(kind)) errors.kind = ['Choose a treatment session or a follow-up evaluation.'];
  const raw = values.scheduled_at.trim();
  const scheduledAt = raw ? localInputToIso(raw) : null;
  if (!raw) errors.scheduled_at = ['Enter the date and time of the visit.'];
  else if (!scheduledAt) errors.scheduled_at = ['Enter a date and time.'];
  else {
    const at = new Date(scheduledAt).getTime();
    if (at <= now.getTime()) errors.scheduled_at = ['A visit cannot be planned in the past.'];
    else if (at > now.getTime() + HORIZON_MS) errors.scheduled_at = ['Plan at most a year ahead.'];
  }
  if (Object.keys(errors).length > 0 || !scheduledAt) return { input: null, errors };
  return { input: { kind, scheduled_at: scheduledAt }, errors };
}
