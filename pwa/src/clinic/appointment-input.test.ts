import { describe, expect, it } from 'vitest';
import { checkAppointment } from './appointment-input';

/** A datetime-local value `ms` after `now`, in the device's zone (as the input holds it). */
function localValue(now: Date, ms: number): string {
  const at = new Date(now.getTime() + ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

describe('checkAppointment', () => {
  const now = new Date('2026-12-01T12:00:30Z');
  const day = 86_400_000;

  it('answers the payload with the device zone’s offset for a visit ahead', () => {
    const value = localValue(now, 2 * day);
    const checked = checkAppointment({ kind: 'evaluation', scheduled_at: value }, now);
    expect(checked.errors).toEqual({});
    expect(checked.input?.kind).toBe('evaluation');
    expect(checked.input?.scheduled_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
    // The same instant the clinician picked.
    expect(new Date(checked.input?.scheduled_at ?? '').getTime()).toBe(new Date(value).getTime());
  });

  it('refuses a time in the past or now', () => {
    expect(checkAppointment({ kind: 'session', scheduled_at: localValue(now, -day) }, now).errors.scheduled_at).toEqual([
      'A visit cannot be planned in the past.',
    ]);
    // The minute already begun is past.
    expect(checkAppointment({ kind: 'session', scheduled_at: localValue(now, 0) }, now).input).toBeNull();
  });

  it('refuses more than a year ahead', () => {
    expect(checkAppointment({ kind: 'session', scheduled_at: localValue(now, 370 * day) }, now).errors.scheduled_at).toEqual([
      'Plan at most a year ahead.',
    ]);
    expect(checkAppointment({ kind: 'session', scheduled_at: localValue(now, 360 * day) }, now).input).not.toBeNull();
  });

  it('asks for a date and time and a known kind', () => {
    const checked = checkAppointment({ kind: 'massage', scheduled_at: '' }, now);
    expect(checked.input).toBeNull();
    expect(checked.errors.kind).toHaveLength(1);
    expect(checked.errors.scheduled_at).toEqual(['Enter the date and time of the visit.']);
    expect(checkAppointment({ kind: 'session', scheduled_at: '3 Dec' }, now).errors.scheduled_at).toEqual(['Enter a date and time.']);
  });
});
