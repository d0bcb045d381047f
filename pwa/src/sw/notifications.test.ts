import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD, parsePayload, safePath } from './notifications';

describe('parsePayload', () => {
  it('reads the reminder JSON', () => {
    const raw = JSON.stringify({ title: 'Check-in', body: 'How are you today?', url: '/checkin?date=2026-03-01', tag: 'daily-2026-03-01' });
    expect(parsePayload(raw)).toEqual({
      title: 'Check-in',
      body: 'How are you today?',
      url: '/checkin?date=2026-03-01',
      tag: 'daily-2026-03-01',
    });
  });

  it('still has something to show with no payload, plain text or the wrong JSON', () => {
    expect(parsePayload(null)).toEqual(DEFAULT_PAYLOAD);
    expect(parsePayload('')).toEqual(DEFAULT_PAYLOAD);
    expect(parsePayload('Time to check in')).toEqual({ ...DEFAULT_PAYLOAD, body: 'Time to check in' });
    expect(parsePayload('[1, 2]')).toEqual(DEFAULT_PAYLOAD);
    expect(parsePayload('null')).toEqual(DEFAULT_PAYLOAD);
    expect(parsePayload(JSON.stringify({ title: 42, body: '   ' }))).toEqual(DEFAULT_PAYLOAD);
  });

  it('never opens another site from a payload', () => {
    expect(parsePayload(JSON.stringify({ url: 'https://evil.example/' })).url).toBe('/checkin');
    expect(parsePayload(JSON.stringify({ url: '//evil.example/' })).url).toBe('/checkin');
  });
});

describe('safePath', () => {
  it('keeps same-origin paths only', () => {
    expect(safePath('/questionnaire')).toBe('/questionnaire');
    expect(safePath('javascript:alert(1)')).toBe('/checkin');
    expect(safePath('/\\evil.example')).toBe('/checkin');
    expect(safePath(undefined)).toBe('/checkin');
  });
});
