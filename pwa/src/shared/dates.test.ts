import { describe, expect, it } from 'vitest';
import { addDays, dayToEpochSeconds, formatInstant, localDate } from './dates';

describe('localDate', () => {
  const lateEvening = new Date('2026-03-08T03:30:00Z'); // 22:30 on the 7th in New York, 03:30 on the 8th in London

  it("is the patient's calendar date in their zone, not UTC's", () => {
    expect(localDate('America/New_York', lateEvening)).toBe('2026-03-07');
    expect(localDate('Europe/London', lateEvening)).toBe('2026-03-08');
    expect(localDate('Pacific/Auckland', lateEvening)).toBe('2026-03-08');
  });

  it('falls back to the device zone for an unknown zone instead of throwing', () => {
    expect(localDate('Not/AZone', lateEvening)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('addDays', () => {
  it('crosses months, years and DST changes by calendar days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
  });
});

describe('dayToEpochSeconds', () => {
  it('places each day one chart step apart', () => {
    expect(dayToEpochSeconds('2026-03-09') - dayToEpochSeconds('2026-03-08')).toBe(86_400);
  });
});

describe('formatInstant', () => {
  const at = '2026-12-03T13:05:00Z';

  it('shows the date and time in the given zone and names the zone', () => {
    const berlin = formatInstant(at, 'Europe/Berlin', 'en-GB');
    expect(berlin).toMatch(/^Thu,? 3 Dec 2026,? 14:05 \(Europe\/Berlin\)$/);
    expect(formatInstant(at, 'America/New_York', 'en-GB')).toMatch(/^Thu,? 3 Dec 2026,? 08:05 \(America\/New_York\)$/);
  });

  it('falls back to the device zone for an unknown zone, naming it', () => {
    const text = formatInstant(at, 'Not/AZone', 'en-GB');
    expect(text).toMatch(/2026.*\d{2}:\d{2} \([^)]+\)$/);
    expect(text).not.toContain('Not/AZone');
  });

  it('passes through what it cannot read', () => {
    expect(formatInstant(null)).toBe('—');
    expect(formatInstant('not a date')).toBe('not a date');
  });
});
