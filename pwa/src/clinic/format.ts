/**
 * Words and numbers as the clinician reads them: attention reasons, trends in
 * clinical terms (improving/worsening, never up/down), bands, outcomes,
 * durability, who did what. Pure functions: no DOM, unit-tested.
 */
import type { Direction, DurabilityStatus, Instrument, QuestionnaireResponse, ScaleTrend } from '../shared/types';

export const ATTENTION_LABELS: Record<string, string> = {
  urgent_alert: 'Urgent alert',
  open_alert: 'Open alert',
  missed_checkins: 'Missed check-ins',
  worsening: 'Worsening',
  none: 'No concern',
};

/** Filter choices on the roster, most pressing first. */
export const ATTENTION_ORDER = ['urgent_alert', 'open_alert', 'worsening', 'missed_checkins', 'none'] as const;

export function attentionLabel(attention: string | null | undefined): string {
  const key = attention ?? 'none';
  return ATTENTION_LABELS[key] ?? humanise(key);
}

/** "moderately_severe" -> "Moderately severe". */
export function humanise(code: string | null | undefined): string {
  if (!code) return '';
  const words = code.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const DIRECTION_TEXT: Record<Direction, string> = {
  higher_is_better: 'higher is better',
  higher_is_worse: 'higher is worse',
};

export const SCALE_DIRECTIONS: Record<string, Direction> = {
  mood: 'higher_is_better',
  anxiety: 'higher_is_worse',
  pain: 'higher_is_worse',
};

export interface TrendWords {
  /** The clinical meaning, read by screen readers and shown as text. */
  text: string;
  /** An arrow for the eye: which way the number moved, given the scale's direction. */
  arrow: string;
  kind: ScaleTrend;
}

/**
 * A scale's trend in clinical words. The arrow shows the way the number
 * moves (mood improving goes up, anxiety improving goes down); the text says
 * what it means, so nobody has to remember each scale's direction.
 */
export function trendWords(trend: ScaleTrend | string | null | undefined, direction: Direction): TrendWords {
  const kind: ScaleTrend = trend === 'improving' || trend === 'worsening' || trend === 'stable' ? trend : 'unknown';
  if (kind === 'stable') return { text: 'stable', arrow: '→', kind };
  if (kind === 'unknown') return { text: 'trend unknown', arrow: '', kind };
  const rising = (kind === 'improving') === (direction === 'higher_is_better');
  return { text: kind, arrow: rising ? '↑' : '↓', kind };
}

/** 0.714 -> "71%". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${Math.round(rate * 100)}%`;
}

/** A score with at most one decimal ("4.3", "5"), or a dash. */
export function score(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** A signed change ("+1.2", "−3", "0"). */
export function signed(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const text = score(Math.abs(value), digits);
  if (value > 0) return `+${text}`;
  if (value < 0) return `−${text}`;
  return '0';
}

export const OUTCOME_STATUS: Record<string, string> = {
  response: 'Response',
  partial_response: 'Partial response',
  no_response: 'No response',
  not_applicable: 'Not applicable',
  insufficient_data: 'Not enough data',
};

export const MEASURE_NAMES: Record<string, string> = {
  phq9: 'PHQ-9',
  gad7: 'GAD-7',
  mood: 'Mood (daily)',
  anxiety: 'Anxiety (daily)',
  pain: 'Pain (daily)',
};

export function measureName(code: string): string {
  return MEASURE_NAMES[code] ?? humanise(code);
}

export const REASONS: Record<string, string> = {
  next_session_too_soon: 'the next session came too soon to tell',
  too_few_days_before: 'too few check-ins before the session',
  too_few_days_after: 'too few check-ins after the session',
  baseline_at_best_score: 'the baseline was already the best score',
  no_baseline: 'no baseline before the first session',
  no_session: 'no treatment session yet',
};

export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  return REASONS[reason] ?? humanise(reason).toLowerCase();
}

/** One session's durability on one scale, in a short sentence. */
export function durabilityText(status: DurabilityStatus | string, days: number | null, reason?: string | null): string {
  const dayWord = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  switch (status) {
    case 'faded':
      return days === null ? 'Faded' : `Lasted ${dayWord(days)}`;
    case 'ongoing':
      return days === null ? 'Ongoing' : `Ongoing after ${dayWord(days)}`;
    case 'censored_by_next_session':
      return days === null ? 'Still there at the next session' : `At least ${dayWord(days)} (next session came first)`;
    case 'no_response':
      return 'No response';
    case 'insufficient_data': {
      const why = reasonText(reason);
      return why ? `Not enough data: ${why}` : 'Not enough data';
    }
    default:
      return humanise(status);
  }
}

export const MODALITIES: readonly { value: string; label: string; route: string }[] = [
  { value: 'iv_infusion', label: 'IV infusion', route: 'iv' },
  { value: 'im_injection', label: 'IM injection', route: 'im' },
  { value: 'esketamine_nasal', label: 'Esketamine nasal spray', route: 'intranasal' },
  { value: 'other', label: 'Other', route: 'oral' },
];

export const ROUTES: readonly { value: string; label: string }[] = [
  { value: 'iv', label: 'Intravenous (IV)' },
  { value: 'im', label: 'Intramuscular (IM)' },
  { value: 'intranasal', label: 'Intranasal' },
  { value: 'oral', label: 'Oral' },
  { value: 'sublingual', label: 'Sublingual' },
];

/**
 * The answer to an instrument's unscored difficulty item in the instrument's own
 * words ("Very difficult"); "Not answered" when skipped, "n/a" when the
 * instrument has none or the definitions could not be loaded.
 */
export function difficultyText(instruments: readonly Instrument[], response: Pick<QuestionnaireResponse, 'instrument' | 'difficulty'>): string {
  const item = instruments.find((instrument) => instrument.code === response.instrument)?.difficulty_item;
  if (!item) return 'n/a';
  if (response.difficulty === null || response.difficulty === undefined) return 'Not answered';
  return item.options.find((option) => option.value === response.difficulty)?.text ?? String(response.difficulty);
}

export function modalityLabel(code: string | null | undefined): string {
  return MODALITIES.find((m) => m.value === code)?.label ?? humanise(code);
}

/** "you" for the signed-in clinician, else their name or email, else "clinician #7". */
export function who(
  userId: number | string | null | undefined,
  me: number | string | null | undefined,
  nameOrEmail?: string | null,
): string {
  if (userId === null || userId === undefined) return 'someone';
  if (me !== null && me !== undefined && String(userId) === String(me)) return 'you';
  return nameOrEmail || `clinician #${userId}`;
}

// Formatters are costly to build: one each, reused (the roster formats thousands of dates).
let dateTimeFormat: Intl.DateTimeFormat | null = null;
let dayFormat: Intl.DateTimeFormat | null = null;
let shortDayFormat: Intl.DateTimeFormat | null = null;
let utcYearFormat: Intl.DateTimeFormat | null = null;

/** "3 Nov 2026, 14:05" in the viewer's zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return dateTimeFormat.format(at);
}

/** The calendar day of an instant in the viewer's zone ("3 Nov 2026"). */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  dayFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  return dayFormat.format(at);
}

/** A local date ("YYYY-MM-DD") as "3 Nov", or with the year when `withYear`. */
export function shortDate(date: string, withYear = false): string {
  const [y, m, d] = date.split('-').map(Number);
  const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  if (withYear) {
    utcYearFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    return utcYearFormat.format(at);
  }
  shortDayFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return shortDayFormat.format(at);
}

/** "120/80", or a dash when either number is missing. */
export function bloodPressure(systolic: number | null | undefined, diastolic: number | null | undefined): string {
  if (systolic === null || systolic === undefined || diastolic === null || diastolic === undefined) return '—';
  return `${systolic}/${diastolic}`;
}

/** Whole days between two dates ("YYYY-MM-DD"), b - a. */
export function daysBetween(a: string, b: string): number {
  const parse = (d: string) => {
    const [y, m, day] = d.slice(0, 10).split('-').map(Number);
    return Date.UTC(y ?? 1970, (m ?? 1) - 1, day ?? 1);
  };
  return Math.round((parse(b) - parse(a)) / 86_400_000);
}

/** The `days` to ask /trends for "all": since enrolment (or creation), within the API's 7..3660. */
export function daysSinceEnrolment(enrolledAt: string | null | undefined, createdAt: string | null | undefined, today: string): number {
  const start = (enrolledAt ?? createdAt ?? '').slice(0, 10);
  if (!start) return 365;
  return Math.min(3660, Math.max(7, daysBetween(start, today) + 1));
}
