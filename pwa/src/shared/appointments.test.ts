import { describe, expect, it } from 'vitest';
import { appointmentKindLabel, nextAppointment } from './appointments';
import type { Appointment } from './types';

function visit(id: number, scheduledAt: string, kind: Appointment['kind'] = 'session'): Appointment {
  return { id, kind, scheduled_at: scheduledAt, local_date: scheduledAt.slice(0, 10), created_by_id: 1, created_at: '2026-11-01T00:00:00Z' };
}

describe('appointmentKindLabel', () => {
  it('names both kinds in the clinic’s words', () => {
    expect(appointmentKindLabel('session')).toBe('Treatment session');
    expect(appointmentKindLabel('evaluation')).toBe('Follow-up evaluation');
    expect(appointmentKindLabel('other')).toBe('other');
  });
});

describe('nextAppointment', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('is the soonest visit still ahead', () => {
    const items = [visit(1, '2026-12-09T10:00:00Z'), visit(2, '2026-12-02T09:00:00+01:00', 'evaluation'), visit(3, '2026-12-20T10:00:00Z')];
    expect(nextAppointment(items, now)?.id).toBe(2);
  });

  it('skips visits that have passed since the list was read, and unreadable times', () => {
    const items = [visit(1, '2026-12-01T11:59:00Z'), visit(2, 'garbage'), visit(3, '2026-12-01T12:30:00Z')];
    expect(nextAppointment(items, now)?.id).toBe(3);
  });

  it('is null when nothing is planned', () => {
    expect(nextAppointment([], now)).toBeNull();
    expect(nextAppointment([visit(1, '2026-11-30T10:00:00Z')], now)).toBeNull();
  });
});
