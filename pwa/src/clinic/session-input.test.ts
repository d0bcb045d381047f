import { describe, expect, it } from 'vitest';
import { checkSession, emptyValues, isoToLocalInput, localInputToIso, valuesFromSession, type SessionFormValues } from './session-input';

const NOW = new Date('2026-11-24T15:00:00Z');

function form(overrides: Partial<SessionFormValues>): SessionFormValues {
  return { ...emptyValues(), started_at: isoToLocalInput('2026-11-20T15:00:00Z'), dose_mg: '40', ...overrides };
}

describe('local times', () => {
  it('keeps the instant with the device offset', () => {
    const iso = localInputToIso('2026-11-20T10:30');
    expect(iso).toMatch(/^2026-11-20T10:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(iso as string).getTime()).toBe(new Date('2026-11-20T10:30').getTime());
    expect(isoToLocalInput(iso)).toBe('2026-11-20T10:30');
    expect(localInputToIso('20/11/2026')).toBeNull();
  });
});

describe('checkSession', () => {
  it('answers the payload when all is well', () => {
    const { input, errors } = checkSession(
      form({ bp_pre_systolic: '124', bp_pre_diastolic: '78', dose_mg_per_kg: '0.5', duration_min: '40' }),
      [{ name: 'nausea', severity: 'mild' }],
      NOW,
    );
    expect(errors).toEqual({});
    expect(input).toMatchObject({
      modality: 'iv_infusion',
      route: 'iv',
      phase: 'induction',
      dose_mg: 40,
      dose_mg_per_kg: 0.5,
      duration_min: 40,
      bp_pre_systolic: 124,
      bp_pre_diastolic: 78,
      bp_peak_systolic: null,
      side_effects: [{ name: 'nausea', severity: 'mild' }],
      dissociation_scale: 'CADSS',
      notes: null,
    });
  });

  it('refuses a dose of -5 or 0 and a missing dose', () => {
    expect(checkSession(form({ dose_mg: '-5' }), [], NOW).errors.dose_mg).toEqual(['Enter more than 0 and at most 1000 mg.']);
    expect(checkSession(form({ dose_mg: '0' }), [], NOW).errors.dose_mg).toHaveLength(1);
    expect(checkSession(form({ dose_mg: '' }), [], NOW).errors.dose_mg).toEqual(['Enter the dose in mg.']);
  });

  it('refuses a blood pressure of 400/20, a half-entered one and systolic not above diastolic', () => {
    const out = checkSession(form({ bp_pre_systolic: '400', bp_pre_diastolic: '20' }), [], NOW);
    expect(out.errors.bp_pre_systolic).toEqual(['Enter a whole number from 60 to 260 mmHg.']);
    expect(out.errors.bp_pre_diastolic).toEqual(['Enter a whole number from 30 to 160 mmHg.']);
    expect(checkSession(form({ bp_peak_systolic: '120' }), [], NOW).errors.bp_peak_diastolic).toEqual([
      'Enter both systolic and diastolic, or neither.',
    ]);
    expect(checkSession(form({ bp_peak_systolic: '90', bp_peak_diastolic: '100' }), [], NOW).errors.bp_peak_systolic).toEqual([
      'Systolic must be above diastolic.',
    ]);
    expect(checkSession(form({ hr_pre: '72.5' }), [], NOW).errors.hr_pre).toEqual(['Enter a whole number.']);
  });

  it('refuses a future start, a discharge before the start and a route that does not fit', () => {
    const future = isoToLocalInput('2026-11-26T10:00:00Z');
    expect(checkSession(form({ started_at: future }), [], NOW).errors.started_at).toEqual(['A session cannot start in the future.']);
    expect(checkSession(form({ started_at: '' }), [], NOW).errors.started_at).toEqual(['Enter when the session started.']);
    const before = isoToLocalInput('2026-11-19T10:00:00Z');
    expect(checkSession(form({ discharged_at: before }), [], NOW).errors.discharged_at).toEqual([
      'Discharge must be after the session started.',
    ]);
    expect(checkSession(form({ modality: 'esketamine_nasal', route: 'iv' }), [], NOW).errors.route).toEqual([
      'This modality is given by the intranasal route.',
    ]);
    expect(checkSession(form({ modality: 'other', route: 'oral' }), [], NOW).errors).toEqual({});
  });

  it('reads a recorded session back into the form', () => {
    const values = valuesFromSession({ started_at: '2026-11-20T15:00:00+00:00', dose_mg: 46, bp_peak_systolic: 136, notes: null, modality: 'im_injection', route: 'im' });
    expect(values.dose_mg).toBe('46');
    expect(values.bp_peak_systolic).toBe('136');
    expect(values.bp_pre_systolic).toBe('');
    expect(values.modality).toBe('im_injection');
    expect(values.notes).toBe('');
  });
});
