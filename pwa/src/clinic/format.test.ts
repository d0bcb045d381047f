import { describe, expect, it } from 'vitest';
import { daysSinceEnrolment, difficultyText, durabilityText, percent, signed, trendWords, who } from './format';
import type { Instrument } from '../shared/types';

describe('trendWords', () => {
  it('says improving or worsening whatever the direction, with the arrow the number moves', () => {
    expect(trendWords('improving', 'higher_is_better')).toEqual({ text: 'improving', arrow: '↑', kind: 'improving' });
    expect(trendWords('improving', 'higher_is_worse')).toEqual({ text: 'improving', arrow: '↓', kind: 'improving' });
    expect(trendWords('worsening', 'higher_is_better')).toEqual({ text: 'worsening', arrow: '↓', kind: 'worsening' });
    expect(trendWords('worsening', 'higher_is_worse')).toEqual({ text: 'worsening', arrow: '↑', kind: 'worsening' });
    expect(trendWords('stable', 'higher_is_worse').text).toBe('stable');
    expect(trendWords(undefined, 'higher_is_worse')).toEqual({ text: 'trend unknown', arrow: '', kind: 'unknown' });
  });
});

describe('numbers', () => {
  it('formats adherence and signed changes', () => {
    expect(percent(0.714)).toBe('71%');
    expect(percent(null)).toBe('—');
    expect(signed(1.234)).toBe('+1.2');
    expect(signed(-3)).toBe('−3');
    expect(signed(0)).toBe('0');
  });
});

describe('who', () => {
  it('names the signed-in clinician "you"', () => {
    expect(who(7, 7)).toBe('you');
    expect(who(7, '7')).toBe('you');
    expect(who(8, 7)).toBe('clinician #8');
    expect(who(null, 7)).toBe('someone');
  });

  it('names another clinician by their display name when they have one', () => {
    expect(who(8, 7, 'Dr. Ana Ruiz')).toBe('Dr. Ana Ruiz');
    expect(who(7, 7, 'Dr. Ana Ruiz')).toBe('you');
  });

  it('names another clinician by their email when the API gives it', () => {
    expect(who(8, 7, 'dr.lee@clinic.example')).toBe('dr.lee@clinic.example');
    expect(who(7, 7, 'me@clinic.example')).toBe('you');
    expect(who(8, 7, null)).toBe('clinician #8');
  });
});

describe('durabilityText', () => {
  it('reads each status', () => {
    expect(durabilityText('faded', 11)).toBe('Lasted 11 days');
    expect(durabilityText('faded', 1)).toBe('Lasted 1 day');
    expect(durabilityText('ongoing', 12)).toBe('Ongoing after 12 days');
    expect(durabilityText('censored_by_next_session', 9)).toBe('At least 9 days (next session came first)');
    expect(durabilityText('no_response', null)).toBe('No response');
    expect(durabilityText('insufficient_data', null, 'next_session_too_soon')).toBe(
      'Not enough data: the next session came too soon to tell',
    );
  });
});

describe('daysSinceEnrolment', () => {
  it('covers enrolment to today within the API limits', () => {
    expect(daysSinceEnrolment('2026-07-28T15:00:00+00:00', null, '2026-11-24')).toBe(120);
    expect(daysSinceEnrolment(null, '2026-11-23T00:00:00+00:00', '2026-11-24')).toBe(7);
    expect(daysSinceEnrolment('2000-01-01T00:00:00+00:00', null, '2026-11-24')).toBe(3660);
  });
});

describe('difficultyText', () => {
  const options = ['Not difficult at all', 'Somewhat difficult', 'Very difficult', 'Extremely difficult'].map((text, value) => ({ value, text }));
  const base = { title: '', stem: '', items: [], options: [], copyright: '' };
  const instruments: Instrument[] = [
    { ...base, code: 'phq9', difficulty_item: { text: 'If you checked off any problems, how difficult …', options } },
    { ...base, code: 'gad7', difficulty_item: null },
  ];

  it("gives the PHQ-9's answer in the form's words, or says it was skipped", () => {
    expect(difficultyText(instruments, { instrument: 'phq9', difficulty: 2 })).toBe('Very difficult');
    expect(difficultyText(instruments, { instrument: 'phq9', difficulty: null })).toBe('Not answered');
  });

  it('says n/a where the instrument has no such item or is unknown', () => {
    expect(difficultyText(instruments, { instrument: 'gad7', difficulty: null })).toBe('n/a');
    expect(difficultyText([], { instrument: 'phq9', difficulty: 1 })).toBe('n/a');
  });
});
