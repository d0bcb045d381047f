/**
 * The treatment-session form's checks on the device (shared/DESIGN.md §4):
 * the same limits as the server's TreatmentSessionInput, in the clinic's
 * words, so a typo is caught before anything is sent. The server checks again
 * and its 422 `errors` are shown on the same fields.
 */
import type { Modality, Phase, Route, SideEffectEntry, TreatmentSession, TreatmentSessionInput } from '../shared/types';

/** The form's raw values, as the inputs hold them. */
export type SessionFormValues = Record<SessionField, string>;

export const NUMBER_FIELDS = [
  'dose_mg',
  'dose_mg_per_kg',
  'duration_min',
  'bp_pre_systolic',
  'bp_pre_diastolic',
  'bp_peak_systolic',
  'bp_peak_diastolic',
  'bp_discharge_systolic',
  'bp_discharge_diastolic',
  'hr_pre',
  'hr_peak',
  'hr_discharge',
  'spo2_min',
  'dissociation_score',
] as const;

export type NumberField = (typeof NUMBER_FIELDS)[number];
export type SessionField =
  | NumberField
  | 'started_at'
  | 'modality'
  | 'route'
  | 'phase'
  | 'dissociation_scale'
  | 'discharged_at'
  | 'notes';

interface Limit {
  min: number;
  max: number;
  /** The minimum itself is refused (a dose of 0). */
  exclusiveMin?: boolean;
  integer?: boolean;
  label: string;
  unit?: string;
}

export const LIMITS: Record<NumberField, Limit> = {
  dose_mg: { min: 0, max: 1000, exclusiveMin: true, label: 'Dose', unit: 'mg' },
  dose_mg_per_kg: { min: 0, max: 5, exclusiveMin: true, label: 'Dose per kg', unit: 'mg/kg' },
  duration_min: { min: 1, max: 600, integer: true, label: 'Duration', unit: 'minutes' },
  bp_pre_systolic: { min: 60, max: 260, integer: true, label: 'Systolic', unit: 'mmHg' },
  bp_pre_diastolic: { min: 30, max: 160, integer: true, label: 'Diastolic', unit: 'mmHg' },
  bp_peak_systolic: { min: 60, max: 260, integer: true, label: 'Systolic', unit: 'mmHg' },
  bp_peak_diastolic: { min: 30, max: 160, integer: true, label: 'Diastolic', unit: 'mmHg' },
  bp_discharge_systolic: { min: 60, max: 260, integer: true, label: 'Systolic', unit: 'mmHg' },
  bp_discharge_diastolic: { min: 30, max: 160, integer: true, label: 'Diastolic', unit: 'mmHg' },
  hr_pre: { min: 25, max: 220, integer: true, label: 'Heart rate', unit: 'bpm' },
  hr_peak: { min: 25, max: 220, integer: true, label: 'Heart rate', unit: 'bpm' },
  hr_discharge: { min: 25, max: 220, integer: true, label: 'Heart rate', unit: 'bpm' },
  spo2_min: { min: 50, max: 100, integer: true, label: 'Lowest SpO2', unit: '%' },
  dissociation_score: { min: 0, max: 100, integer: true, label: 'Dissociation score' },
};

export const BP_MOMENTS = ['pre', 'peak', 'discharge'] as const;

/** Which route goes with which modality (the server refuses a mismatch). */
export const ROUTES_FOR_MODALITY: Record<Modality, readonly Route[]> = {
  iv_infusion: ['iv'],
  im_injection: ['im'],
  esketamine_nasal: ['intranasal'],
  other: ['iv', 'im', 'intranasal', 'oral', 'sublingual'],
};

const MODALITY_VALUES = Object.keys(ROUTES_FOR_MODALITY) as Modality[];

/** "2026-11-20T10:00" (a datetime-local value, the device's zone) -> ISO 8601 with the offset. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return null;
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const seconds = value.length > 16 ? value.slice(16, 19) : ':00';
  return `${value.slice(0, 16)}${seconds}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** An ISO instant -> a datetime-local value in the device's zone. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function emptyValues(): SessionFormValues {
  const values = {} as SessionFormValues;
  for (const field of NUMBER_FIELDS) values[field] = '';
  values.started_at = '';
  values.modality = 'iv_infusion';
  values.route = 'iv';
  values.phase = 'induction';
  values.dissociation_scale = 'CADSS';
  values.discharged_at = '';
  values.notes = '';
  return values;
}

/** A recorded session as form values (for a correction). */
export function valuesFromSession(session: Partial<TreatmentSession>): SessionFormValues {
  const values = emptyValues();
  for (const field of NUMBER_FIELDS) {
    const value = session[field];
    values[field] = value === null || value === undefined ? '' : String(value);
  }
  values.started_at = isoToLocalInput(session.started_at);
  values.modality = session.modality ?? values.modality;
  values.route = session.route ?? values.route;
  values.phase = session.phase ?? values.phase;
  values.dissociation_scale = session.dissociation_scale ?? '';
  values.discharged_at = isoToLocalInput(session.discharged_at);
  values.notes = session.notes ?? '';
  return values;
}

export interface CheckedSession {
  input: TreatmentSessionInput | null;
  errors: Partial<Record<SessionField, string[]>>;
}

function rangeMessage(limit: Limit): string {
  const unit = limit.unit ? ` ${limit.unit}` : '';
  if (limit.exclusiveMin) return `Enter more than ${limit.min} and at most ${limit.max}${unit}.`;
  return `Enter ${limit.integer ? 'a whole number ' : ''}from ${limit.min} to ${limit.max}${unit}.`;
}

/**
 * Checks the form's values; answers the payload to send when nothing is wrong,
 * else the messages per field. `now` is when the check runs (no future sessions).
 */
export function checkSession(values: SessionFormValues, sideEffects: SideEffectEntry[], now: Date = new Date()): CheckedSession {
  const errors: Partial<Record<SessionField, string[]>> = {};
  const add = (field: SessionField, text: string) => {
    (errors[field] ??= []).push(text);
  };
  const numbers: Partial<Record<NumberField, number | null>> = {};
  for (const field of NUMBER_FIELDS) {
    const raw = values[field].trim();
    if (raw === '') {
      numbers[field] = null;
      continue;
    }
    const limit = LIMITS[field];
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      add(field, 'Enter a number.');
      continue;
    }
    if (limit.integer && !Number.isInteger(value)) add(field, 'Enter a whole number.');
    else if ((limit.exclusiveMin ? value <= limit.min : value < limit.min) || value > limit.max) add(field, rangeMessage(limit));
    numbers[field] = value;
  }
  if (numbers.dose_mg === null && !errors.dose_mg) add('dose_mg', 'Enter the dose in mg.');

  for (const moment of BP_MOMENTS) {
    const sys = `bp_${moment}_systolic` as NumberField;
    const dia = `bp_${moment}_diastolic` as NumberField;
    const s = numbers[sys];
    const d = numbers[dia];
    if ((s === null) !== (d === null) && !errors[sys] && !errors[dia]) {
      add(s === null ? sys : dia, 'Enter both systolic and diastolic, or neither.');
    } else if (s !== null && s !== undefined && d !== null && d !== undefined && !errors[sys] && !errors[dia] && s <= d) {
      add(sys, 'Systolic must be above diastolic.');
    }
  }

  const startedAt = localInputToIso(values.started_at);
  if (!values.started_at) add('started_at', 'Enter when the session started.');
  else if (!startedAt) add('started_at', 'Enter a date and time.');
  else if (new Date(startedAt).getTime() > now.getTime() + 60_000) add('started_at', 'A session cannot start in the future.');

  let dischargedAt: string | null = null;
  if (values.discharged_at) {
    dischargedAt = localInputToIso(values.discharged_at);
    if (!dischargedAt) add('discharged_at', 'Enter a date and time.');
    else if (new Date(dischargedAt).getTime() > now.getTime() + 60_000) add('discharged_at', 'Discharge cannot be in the future.');
    else if (startedAt && new Date(dischargedAt).getTime() < new Date(startedAt).getTime())
      add('discharged_at', 'Discharge must be after the session started.');
  }

  const modality = values.modality as Modality;
  if (!MODALITY_VALUES.includes(modality)) add('modality', 'Choose how the treatment was given.');
  const route = values.route as Route;
  const allowed = ROUTES_FOR_MODALITY[modality] ?? [];
  if (!route) add('route', 'Choose the route.');
  else if (allowed.length > 0 && !allowed.includes(route)) add('route', `This modality is given by the ${allowed.join(' or ')} route.`);
  const phase = values.phase as Phase;
  if (phase !== 'induction' && phase !== 'maintenance') add('phase', 'Choose induction or maintenance.');
  if (values.notes.length > 4000) add('notes', 'Keep notes under 4000 characters.');
  if (values.dissociation_scale.length > 32) add('dissociation_scale', 'Use at most 32 characters.');

  if (Object.keys(errors).length > 0 || !startedAt) return { input: null, errors };
  const input: TreatmentSessionInput = {
    started_at: startedAt,
    modality,
    route,
    phase,
    dose_mg: numbers.dose_mg as number,
    side_effects: sideEffects,
    discharged_at: dischargedAt,
    notes: values.notes.trim() || null,
    dissociation_scale: values.dissociation_scale.trim() || null,
  };
  for (const field of NUMBER_FIELDS) {
    if (field !== 'dose_mg') input[field] = numbers[field] ?? null;
  }
  return { input, errors };
}
