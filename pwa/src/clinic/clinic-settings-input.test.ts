import { describe, expect, it } from 'vitest';
import type { AlertThresholds, ClinicSettings } from '../shared/types';
import { THRESHOLD_GROUPS, THRESHOLD_RULES, buildClinicUpdate, defaultNote, fieldErrorsForForm, formValues, hasChanges, parseNumber, severitiesText, type ClinicSettingsValues } from './clinic-settings-input';

const DEFAULTS: AlertThresholds = {
  phq9_worsening_points: 5,
  gad7_worsening_points: 4,
  phq9_severe_total: 20,
  gad7_severe_total: 15,
  mood_decline_points: 2,
  pain_rise_points: 2,
  anxiety_rise_points: null,
  decline_recent_days: 3,
  decline_recent_min_days: 2,
  decline_prior_days: 14,
  decline_prior_min_days: 7,
  missed_days: 3,
  side_effect_severities: ['severe'],
};

const CLINIC: ClinicSettings = {
  id: 1,
  name: 'Demo Ketamine Clinic',
  phone: '+1 555 0100',
  timezone: 'America/New_York',
  questionnaire_interval_days: 14,
  alerts: { ...DEFAULTS },
  defaults: { questionnaire_interval_days: 14, alerts: { ...DEFAULTS } },
};

function edited(change: (values: ClinicSettingsValues) => void): ClinicSettingsValues {
  const values = formValues(CLINIC);
  change(values);
  return values;
}

describe('THRESHOLD_RULES', () => {
  it('names every numeric threshold of the API once, each in a known group', () => {
    const names = THRESHOLD_RULES.map((rule) => rule.name).sort();
    const numeric = Object.keys(DEFAULTS)
      .filter((key) => key !== 'side_effect_severities')
      .sort();
    expect(names).toEqual(numeric);
    const groups = THRESHOLD_GROUPS.map((g) => g.group);
    for (const rule of THRESHOLD_RULES) expect(groups).toContain(rule.group);
  });

  it('gives each a distinct label (they are the inputs’ accessible names)', () => {
    const labels = THRESHOLD_RULES.map((rule) => rule.label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('allows decimals on the 0-10 daily scales only, and an empty field only for the anxiety rise', () => {
    expect(THRESHOLD_RULES.filter((rule) => !rule.whole).map((rule) => rule.name)).toEqual(['mood_decline_points', 'pain_rise_points', 'anxiety_rise_points']);
    expect(THRESHOLD_RULES.filter((rule) => rule.optional).map((rule) => rule.name)).toEqual(['anxiety_rise_points']);
  });
});

describe('parseNumber', () => {
  it('reads whole numbers, trimmed', () => {
    expect(parseNumber(' 5 ', { whole: true })).toEqual({ value: 5 });
    expect(parseNumber('0', { whole: true })).toEqual({ value: 0 });
  });

  it('refuses a decimal, or text, where whole numbers are asked for', () => {
    expect(parseNumber('2.5', { whole: true })).toEqual({ error: 'Enter a whole number.' });
    expect(parseNumber('three', { whole: true })).toEqual({ error: 'Enter a whole number.' });
  });

  it('reads decimals on the daily scales', () => {
    expect(parseNumber('1.5', { whole: false })).toEqual({ value: 1.5 });
    expect(parseNumber('2', { whole: false })).toEqual({ value: 2 });
    expect(parseNumber('.5', { whole: false })).toEqual({ value: 0.5 });
    expect(parseNumber('1e1', { whole: false }).error).toBeDefined();
    expect(parseNumber('1,5', { whole: false }).error).toBeDefined();
  });

  it('answers null for an empty optional field, a problem for an empty required one', () => {
    expect(parseNumber('  ', { whole: false, optional: true })).toEqual({ value: null });
    expect(parseNumber('', { whole: true })).toEqual({ error: 'Enter a whole number.' });
    expect(parseNumber('', { whole: false })).toEqual({ error: 'Enter a number.' });
  });

  it('leaves the bounds to the server', () => {
    expect(parseNumber('-3', { whole: true })).toEqual({ value: -3 });
    expect(parseNumber('400', { whole: true })).toEqual({ value: 400 });
  });
});

describe('formValues', () => {
  it('shows every number as text, an alert that is off as an empty field, no phone as empty', () => {
    const values = formValues({ ...CLINIC, phone: null, alerts: { ...DEFAULTS, mood_decline_points: 2.5 } });
    expect(values.phone).toBe('');
    expect(values.questionnaire_interval_days).toBe('14');
    expect(values.alerts.mood_decline_points).toBe('2.5');
    expect(values.alerts.anxiety_rise_points).toBe('');
    expect(values.side_effect_severities).toEqual(['severe']);
  });
});

describe('buildClinicUpdate', () => {
  it('sends nothing when nothing changed', () => {
    const checked = buildClinicUpdate(CLINIC, formValues(CLINIC));
    expect(checked).toEqual({ changes: {}, errors: {} });
    expect(hasChanges(checked.changes ?? {})).toBe(false);
  });

  it('sends only the changed thresholds under alerts, as numbers, with the phone', () => {
    const checked = buildClinicUpdate(
      CLINIC,
      edited((v) => {
        v.alerts.missed_days = '5';
        v.phone = ' +1 555 0199 ';
      }),
    );
    expect(checked).toEqual({ changes: { phone: '+1 555 0199', alerts: { missed_days: 5 } }, errors: {} });
    expect(hasChanges(checked.changes ?? {})).toBe(true);
  });

  it('a number typed differently but equal is no change', () => {
    expect(buildClinicUpdate(CLINIC, edited((v) => (v.alerts.mood_decline_points = '2.0'))).changes).toEqual({});
    expect(buildClinicUpdate(CLINIC, edited((v) => (v.alerts.missed_days = ' 3 '))).changes).toEqual({});
  });

  it('turns the anxiety rise on with a number and off with an empty field (null)', () => {
    expect(buildClinicUpdate(CLINIC, edited((v) => (v.alerts.anxiety_rise_points = '1.5'))).changes).toEqual({ alerts: { anxiety_rise_points: 1.5 } });
    const on = { ...CLINIC, alerts: { ...DEFAULTS, anxiety_rise_points: 1.5 } };
    expect(buildClinicUpdate(on, edited((v) => (v.alerts.anxiety_rise_points = '')))).toEqual({ changes: { alerts: { anxiety_rise_points: null } }, errors: {} });
  });

  it('sends the severities in the server’s order, and only when the set changed', () => {
    expect(buildClinicUpdate(CLINIC, edited((v) => (v.side_effect_severities = ['severe', 'moderate']))).changes).toEqual({
      alerts: { side_effect_severities: ['moderate', 'severe'] },
    });
    const two = { ...CLINIC, alerts: { ...DEFAULTS, side_effect_severities: ['moderate', 'severe'] as AlertThresholds['side_effect_severities'] } };
    expect(buildClinicUpdate(two, edited((v) => (v.side_effect_severities = ['severe', 'moderate']))).changes).toEqual({});
  });

  it('refuses no severity at all, on the severities field', () => {
    expect(buildClinicUpdate(CLINIC, edited((v) => (v.side_effect_severities = [])))).toEqual({
      changes: null,
      errors: { 'alerts.side_effect_severities': ['Choose at least one severity.'] },
    });
  });

  it('sends the name trimmed, the interval as a number, a new zone; an empty phone clears it', () => {
    const checked = buildClinicUpdate(
      CLINIC,
      edited((v) => {
        v.name = '  Riverside Clinic ';
        v.questionnaire_interval_days = '28';
        v.timezone = 'America/Chicago';
        v.phone = '  ';
      }),
    );
    expect(checked.changes).toEqual({ name: 'Riverside Clinic', phone: null, timezone: 'America/Chicago', questionnaire_interval_days: 28 });
  });

  it('names each problem by the server’s field name, and sends nothing then', () => {
    const checked = buildClinicUpdate(
      CLINIC,
      edited((v) => {
        v.name = ' ';
        v.questionnaire_interval_days = '';
        v.alerts.missed_days = '2.5';
        v.alerts.pain_rise_points = 'lots';
        v.phone = '+1 555 0199';
      }),
    );
    expect(checked.changes).toBeNull();
    expect(Object.keys(checked.errors).sort()).toEqual(['alerts.missed_days', 'alerts.pain_rise_points', 'name', 'questionnaire_interval_days']);
  });

  it('leaves combinations to the server (a minimum above its window is sent as typed)', () => {
    expect(buildClinicUpdate(CLINIC, edited((v) => (v.alerts.decline_recent_min_days = '9'))).changes).toEqual({ alerts: { decline_recent_min_days: 9 } });
  });
});

describe('wording', () => {
  it('says the default, or that it is off', () => {
    expect(defaultNote(3)).toBe('(default 3)');
    expect(defaultNote(null)).toBe('(default off)');
  });

  it('lists severities mildest first, in words', () => {
    expect(severitiesText(['severe'])).toBe('Severe');
    expect(severitiesText(['severe', 'moderate'])).toBe('Moderate and severe');
    expect(severitiesText(['severe', 'mild', 'moderate'])).toBe('Mild, moderate and severe');
    expect(severitiesText([])).toBe('None');
  });
});

describe('fieldErrorsForForm', () => {
  it('keeps a threshold’s problem on its field and names a combination’s problem in words', () => {
    expect(fieldErrorsForForm({ alerts: ['Minimum days cannot exceed their window.'], 'alerts.missed_days': ['Too many.'], phone: ['Digits.'] })).toEqual({
      'Alert thresholds': ['Minimum days cannot exceed their window.'],
      'alerts.missed_days': ['Too many.'],
      phone: ['Digits.'],
    });
  });
});
