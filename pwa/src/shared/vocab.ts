/** Words shared by the apps: the daily scales and the side-effect vocabulary (shared/DESIGN.md §6). */
import type { Severity } from './types';

export interface DailyScale {
  code: 'mood' | 'anxiety' | 'pain';
  /** The accessible name of the slider; the browser tests rely on it. */
  label: string;
  low: string;
  high: string;
  direction: 'higher_is_better' | 'higher_is_worse';
}

export const DAILY_SCALES: readonly DailyScale[] = [
  { code: 'mood', label: 'Mood', low: '0 worst', high: '10 best', direction: 'higher_is_better' },
  { code: 'anxiety', label: 'Anxiety', low: '0 none', high: '10 worst', direction: 'higher_is_worse' },
  { code: 'pain', label: 'Pain', low: '0 no pain', high: '10 worst imaginable', direction: 'higher_is_worse' },
];

export interface SideEffectTerm {
  name: string;
  label: string;
}

export const SIDE_EFFECTS: readonly SideEffectTerm[] = [
  { name: 'nausea', label: 'Nausea' },
  { name: 'dizziness', label: 'Dizziness' },
  { name: 'headache', label: 'Headache' },
  { name: 'dissociation', label: 'Feeling detached or unreal' },
  { name: 'drowsiness', label: 'Drowsiness' },
  { name: 'blurred_vision', label: 'Blurred vision' },
  { name: 'bladder_pain', label: 'Bladder pain or urgency' },
  { name: 'other', label: 'Other' },
];

export const SEVERITIES: readonly { value: Severity; label: string }[] = [
  { value: 'mild', label: 'Mild' },
  { value: 'moderate', label: 'Moderate' },
  { value: 'severe', label: 'Severe' },
];

export const SAFETY_QUESTION =
  'In the past day, have you had thoughts that you would be better off dead or of hurting yourself?';

export const NOTE_MAX_LENGTH = 2000;

export const INSTRUMENT_NAMES: Record<string, string> = { phq9: 'PHQ-9', gad7: 'GAD-7' };

/** Weekdays as the API numbers them: 0 = Monday. */
export const WEEKDAYS: readonly { value: number; short: string; long: string }[] = [
  { value: 0, short: 'Mon', long: 'Monday' },
  { value: 1, short: 'Tue', long: 'Tuesday' },
  { value: 2, short: 'Wed', long: 'Wednesday' },
  { value: 3, short: 'Thu', long: 'Thursday' },
  { value: 4, short: 'Fri', long: 'Friday' },
  { value: 5, short: 'Sat', long: 'Saturday' },
  { value: 6, short: 'Sun', long: 'Sunday' },
];

export function sideEffectLabel(name: string): string {
  return SIDE_EFFECTS.find((term) => term.name === name)?.label ?? name.replace(/_/g, ' ');
}
