/**
 * The "Clinic settings" screen's rules on the device: what each alert
 * threshold is called in plain words, how a typed number is read (whole
 * numbers for days and questionnaire points, decimals for the 0-10 daily
 * scales, empty switching the anxiety-rise alert off), and the partial
 * `PATCH /clinic` body holding only what the admin changed. The bounds and the
 * thresholds' checks against each other are the server's (a window's minimum
 * days cannot exceed the window): its 422 `errors` land on the same field
 * names (`alerts.missed_days`), or on `alerts` for a combination.
 */
import type { AlertThresholds, ClinicSettings, ClinicSettingsUpdate, Severity } from '../shared/types';

export type NumericThreshold = Exclude<keyof AlertThresholds, 'side_effect_severities'>;

export type ThresholdGroup = 'questionnaires' | 'trends' | 'checkins';

export interface ThresholdRule {
  name: NumericThreshold;
  /** Plain words; the page adds the default ("(default 3)"). */
  label: string;
  hint: string;
  group: ThresholdGroup;
  /** Whole numbers only (days, questionnaire points); otherwise decimals are allowed. */
  whole: boolean;
  /** Empty means the alert is off (null). */
  optional?: boolean;
  /** The server's bounds (api/schemas/clinic.py), for the input's min and max. */
  min: number;
  max: number;
}

export const THRESHOLD_GROUPS: readonly { group: ThresholdGroup; title: string; intro: string }[] = [
  {
    group: 'questionnaires',
    title: 'Alerts on questionnaires',
    intro: 'A PHQ-9 or GAD-7 alerts when its total rises this much since the previous one, or reaches the severe total.',
  },
  {
    group: 'trends',
    title: 'Alerts on daily check-in trends',
    intro: 'The mean of the recent window is compared with the mean of the earlier window before it; each window needs enough rated days.',
  },
  { group: 'checkins', title: 'Alerts on check-ins', intro: 'A missed run of check-ins, and side effects as the patient rated them.' },
];

export const THRESHOLD_RULES: readonly ThresholdRule[] = [
  { name: 'phq9_worsening_points', group: 'questionnaires', label: 'PHQ-9 worsening: points above the previous total', hint: 'Whole points, 1 to 27.', whole: true, min: 1, max: 27 },
  { name: 'gad7_worsening_points', group: 'questionnaires', label: 'GAD-7 worsening: points above the previous total', hint: 'Whole points, 1 to 21.', whole: true, min: 1, max: 21 },
  { name: 'phq9_severe_total', group: 'questionnaires', label: 'PHQ-9 severe: total from which it alerts', hint: 'A possible total, 1 to 27.', whole: true, min: 1, max: 27 },
  { name: 'gad7_severe_total', group: 'questionnaires', label: 'GAD-7 severe: total from which it alerts', hint: 'A possible total, 1 to 21.', whole: true, min: 1, max: 21 },
  { name: 'mood_decline_points', group: 'trends', label: 'Mood decline: points the recent mean is below the earlier one', hint: 'On the 0–10 scale: 1 to 10, decimals allowed.', whole: false, min: 1, max: 10 },
  { name: 'pain_rise_points', group: 'trends', label: 'Pain rise: points the recent mean is above the earlier one', hint: 'On the 0–10 scale: 1 to 10, decimals allowed.', whole: false, min: 1, max: 10 },
  {
    name: 'anxiety_rise_points',
    group: 'trends',
    label: 'Anxiety rise: points the recent mean is above the earlier one',
    hint: 'On the 0–10 scale: 0.5 to 10, decimals allowed. Leave it empty to turn this alert off.',
    whole: false,
    optional: true,
    min: 0.5,
    max: 10,
  },
  { name: 'decline_recent_days', group: 'trends', label: 'Recent window: days', hint: 'The latest days averaged, 1 to 14.', whole: true, min: 1, max: 14 },
  { name: 'decline_recent_min_days', group: 'trends', label: 'Recent window: rated days needed', hint: 'At most the recent window’s days.', whole: true, min: 1, max: 14 },
  { name: 'decline_prior_days', group: 'trends', label: 'Earlier window: days', hint: 'The days before the recent window, averaged, 1 to 60.', whole: true, min: 1, max: 60 },
  { name: 'decline_prior_min_days', group: 'trends', label: 'Earlier window: rated days needed', hint: 'At most the earlier window’s days.', whole: true, min: 1, max: 60 },
  { name: 'missed_days', group: 'checkins', label: 'Missed check-ins: days without one', hint: 'Whole days in the patient’s time zone, 1 to 30.', whole: true, min: 1, max: 30 },
];

/** The side-effect severities, mildest first (the server's order). */
export const SEVERITIES: readonly Severity[] = ['mild', 'moderate', 'severe'];

/** The questionnaire interval's bounds (api/schemas/clinic.py). */
export const INTERVAL_MIN = 7;
export const INTERVAL_MAX = 90;

/** The form as typed: every number as its input's text. */
export interface ClinicSettingsValues {
  name: string;
  phone: string;
  timezone: string;
  questionnaire_interval_days: string;
  alerts: Record<NumericThreshold, string>;
  /** The checked severities, in any order. */
  side_effect_severities: readonly string[];
}

/** A threshold's value in words: "off" for a switched-off alert. */
export function thresholdText(value: number | null): string {
  return value === null ? 'off' : String(value);
}

/** "(default 3)", "(default off)": what a label adds so the default is always in view. */
export function defaultNote(value: number | null): string {
  return `(default ${thresholdText(value)})`;
}

/** "Severe", "Moderate and severe", "Mild, moderate and severe". */
export function severitiesText(severities: readonly string[]): string {
  const words = SEVERITIES.filter((s) => severities.includes(s));
  if (words.length === 0) return 'None';
  const text = words.length === 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The clinic's values as the form shows them (an alert that is off is an empty field). */
export function formValues(clinic: ClinicSettings): ClinicSettingsValues {
  const alerts = {} as Record<NumericThreshold, string>;
  for (const rule of THRESHOLD_RULES) {
    const value = clinic.alerts[rule.name];
    alerts[rule.name] = value === null ? '' : String(value);
  }
  return {
    name: clinic.name,
    phone: clinic.phone ?? '',
    timezone: clinic.timezone,
    questionnaire_interval_days: String(clinic.questionnaire_interval_days),
    alerts,
    side_effect_severities: [...clinic.alerts.side_effect_severities],
  };
}

export type ParsedNumber = { value: number | null; error?: undefined } | { value?: undefined; error: string };

/**
 * A number as typed: whole numbers only when `whole`; empty is null when
 * `optional`, else a problem. The bounds are left to the server.
 */
export function parseNumber(raw: string, options: { whole: boolean; optional?: boolean }): ParsedNumber {
  const text = raw.trim();
  if (!text) return options.optional ? { value: null } : { error: options.whole ? 'Enter a whole number.' : 'Enter a number.' };
  if (options.whole) return /^[+-]?\d+$/.test(text) ? { value: Number(text) } : { error: 'Enter a whole number.' };
  const value = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(value) ? { value } : { error: 'Enter a number, such as 2 or 1.5.' };
}

export interface CheckedClinicUpdate {
  /** What to send: only what changed (possibly nothing: `{}`); null when the form has problems. */
  changes: ClinicSettingsUpdate | null;
  /** Messages by the server's field names (`name`, `alerts.missed_days`). */
  errors: Record<string, string[]>;
}

function sameSeverities(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}

/**
 * The partial `PATCH /clinic` body: the name trimmed (not empty), the phone
 * trimmed (empty clears it), numbers as numbers, and under `alerts` only the
 * thresholds that differ from the clinic's now.
 */
export function buildClinicUpdate(current: ClinicSettings, values: ClinicSettingsValues): CheckedClinicUpdate {
  const errors: Record<string, string[]> = {};
  const changes: ClinicSettingsUpdate = {};

  const name = values.name.trim();
  if (!name) errors.name = ['Enter the clinic’s name.'];
  else if (name !== current.name) changes.name = name;

  const phone = values.phone.trim() || null;
  if (phone !== current.phone) changes.phone = phone;

  if (values.timezone && values.timezone !== current.timezone) changes.timezone = values.timezone;

  const interval = parseNumber(values.questionnaire_interval_days, { whole: true });
  if (interval.error !== undefined) errors.questionnaire_interval_days = [interval.error];
  else if (interval.value !== null && interval.value !== current.questionnaire_interval_days) changes.questionnaire_interval_days = interval.value;

  const alerts: Partial<AlertThresholds> = {};
  for (const rule of THRESHOLD_RULES) {
    const parsed = parseNumber(values.alerts[rule.name], rule);
    if (parsed.error !== undefined) errors[`alerts.${rule.name}`] = [parsed.error];
    else if (parsed.value !== current.alerts[rule.name]) Object.assign(alerts, { [rule.name]: parsed.value });
  }
  const severities = SEVERITIES.filter((s) => values.side_effect_severities.includes(s));
  if (severities.length === 0) errors['alerts.side_effect_severities'] = ['Choose at least one severity.'];
  else if (!sameSeverities(severities, current.alerts.side_effect_severities)) alerts.side_effect_severities = severities;
  if (Object.keys(alerts).length > 0) changes.alerts = alerts;

  if (Object.keys(errors).length > 0) return { changes: null, errors };
  return { changes, errors };
}

/** Whether a checked update changes anything (an empty one is not sent). */
export function hasChanges(changes: ClinicSettingsUpdate): boolean {
  return Object.keys(changes).length > 0;
}

/**
 * The server's 422 `errors`, flattened, named for the form: a threshold's own
 * problem stays on its field (`alerts.missed_days`); a problem with the
 * thresholds together (`alerts`, such as a minimum above its window) is said
 * as the alert thresholds' problem, above the form.
 */
export function fieldErrorsForForm(errors: Record<string, string[]>): Record<string, string[]> {
  const named: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(errors)) {
    const key = name === 'alerts' ? 'Alert thresholds' : name;
    named[key] = [...(named[key] ?? []), ...messages];
  }
  return named;
}
