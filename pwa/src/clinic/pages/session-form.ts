/**
 * "/clinic/patients/:id/sessions/new" records a treatment session;
 * "/clinic/patients/:id/sessions/:sid" corrects one (the server keeps every
 * earlier version: they are listed under the form). The form checks on the
 * device first (dose above 0, blood pressures in range with systolic above
 * diastolic, no future time), then shows the server's 422 `errors` on the same
 * fields.
 */
import { ApiError } from '../../shared/api';
import { append, h, message, replaceChildren } from '../../shared/dom';
import { markSaved, trackUnsavedChanges } from '../../shared/dirty';
import { whileBusy } from '../../shared/forms';
import type { RouteContext } from '../../shared/router';
import type { PatientRecord, Severity, SideEffectEntry, TreatmentSession, TreatmentSessionRevision } from '../../shared/types';
import { SIDE_EFFECTS } from '../../shared/vocab';
import type { ClinicApp } from '../app';
import { bloodPressure, formatDateTime, humanise, MODALITIES, modalityLabel, ROUTES, score, who } from '../format';
import {
  BP_MOMENTS,
  checkSession,
  emptyValues,
  isoToLocalInput,
  LIMITS,
  ROUTES_FOR_MODALITY,
  valuesFromSession,
  type NumberField,
  type SessionField,
  type SessionFormValues,
} from '../session-input';
import { dataTable, inputField, loadError, selectField, showFieldErrors, showServerProblem, textareaField, type Field } from '../ui';

function numberField(name: NumberField, label: string, value: string, hint?: string): Field {
  const limit = LIMITS[name];
  return inputField({
    label,
    name,
    type: 'number',
    value,
    min: limit.min,
    max: limit.max,
    step: limit.integer ? '1' : 'any',
    inputmode: limit.integer ? 'numeric' : 'decimal',
    hint: hint ?? `${limit.exclusiveMin ? 'Above' : 'From'} ${limit.min} to ${limit.max}${limit.unit ? ` ${limit.unit}` : ''}`,
  });
}

function revisionsList(revisions: TreatmentSessionRevision[], me: number | string | undefined): HTMLElement {
  if (revisions.length === 0) return h('p', null, 'No corrections yet: this is the version first recorded.');
  return dataTable(
    'Earlier versions, kept on the audit trail',
    ['Version', 'Recorded', 'Started', 'Dose', 'BP peak', 'Dissociation', 'Notes'],
    revisions.map((r) => [
      String(r.revision),
      `${formatDateTime(r.recorded_at)} by ${who(r.recorded_by_id, me)}`,
      formatDateTime(r.values.started_at ?? null),
      r.values.dose_mg === undefined ? '—' : `${score(r.values.dose_mg)} mg`,
      bloodPressure(r.values.bp_peak_systolic, r.values.bp_peak_diastolic),
      r.values.dissociation_score === undefined || r.values.dissociation_score === null ? '—' : String(r.values.dissociation_score),
      r.values.notes ?? '—',
    ]),
    { captionVisible: true },
  );
}

export async function renderSessionForm(app: ClinicApp, ctx: RouteContext): Promise<Node> {
  const pid = ctx.params.id ?? '';
  const sid = ctx.params.sid;
  const page = h('section', { class: 'page page-wide session-form-page' });
  let patient: PatientRecord;
  let existing: TreatmentSession | null = null;
  try {
    patient = await app.api.patient(pid);
    if (sid) {
      existing = (await app.api.treatmentSessions(pid)).find((s) => String(s.id) === sid) ?? null;
      if (!existing) {
        page.append(h('h1', null, 'Correct a session'), message('error', 'No such session for this patient.'));
        return page;
      }
    }
  } catch (error) {
    page.append(h('h1', null, sid ? 'Correct a session' : 'Record a session'), loadError(error, 'This patient'));
    return page;
  }

  const values: SessionFormValues = existing ? valuesFromSession(existing) : emptyValues();
  if (!existing) values.started_at = isoToLocalInput(new Date().toISOString());
  const fields: Partial<Record<SessionField, Field>> = {};
  const all: Field[] = [];
  const keep = <F extends Field>(field: F): F => {
    fields[field.name as SessionField] = field;
    all.push(field);
    return field;
  };

  const startedAt = keep(inputField({ label: 'Started at', name: 'started_at', type: 'datetime-local', value: values.started_at, hint: 'Your device’s time zone. Not in the future.' }));
  const modality = keep(selectField({ label: 'Modality', name: 'modality', choices: MODALITIES, value: values.modality }));
  const route = keep(selectField({ label: 'Route', name: 'route', choices: ROUTES, value: values.route, hint: 'Must match the modality.' }));
  modality.control.addEventListener('change', () => {
    const allowed = ROUTES_FOR_MODALITY[modality.control.value as keyof typeof ROUTES_FOR_MODALITY] ?? [];
    if (allowed.length > 0 && !allowed.includes(route.control.value as never)) route.control.value = allowed[0] ?? '';
  });
  const phase = keep(
    selectField({
      label: 'Phase',
      name: 'phase',
      choices: [
        { value: 'induction', label: 'Induction' },
        { value: 'maintenance', label: 'Maintenance (booster)' },
      ],
      value: values.phase,
    }),
  );
  const doseMg = keep(numberField('dose_mg', 'Dose (mg)', values.dose_mg, 'More than 0, at most 1000 mg'));
  const dosePerKg = keep(numberField('dose_mg_per_kg', 'Dose (mg/kg, optional)', values.dose_mg_per_kg));
  const duration = keep(numberField('duration_min', 'Duration (minutes)', values.duration_min));
  const bpGroups = BP_MOMENTS.map((moment) => {
    const sys = keep(numberField(`bp_${moment}_systolic` as NumberField, `Systolic ${moment} (mmHg)`, values[`bp_${moment}_systolic` as NumberField], '60 to 260'));
    const dia = keep(numberField(`bp_${moment}_diastolic` as NumberField, `Diastolic ${moment} (mmHg)`, values[`bp_${moment}_diastolic` as NumberField], '30 to 160'));
    const hr = keep(numberField(`hr_${moment}` as NumberField, `Heart rate ${moment} (bpm)`, values[`hr_${moment}` as NumberField], '25 to 220'));
    return h('fieldset', { class: 'vitals-group' }, h('legend', null, moment === 'pre' ? 'Before' : moment === 'peak' ? 'Peak' : 'At discharge'), h('div', { class: 'form-grid' }, sys.wrapper, dia.wrapper, hr.wrapper));
  });
  const spo2 = keep(numberField('spo2_min', 'Lowest SpO2 (%)', values.spo2_min));
  const dissociationScore = keep(numberField('dissociation_score', 'Dissociation score', values.dissociation_score, '0 to 100'));
  const dissociationScale = keep(inputField({ label: 'Dissociation scale', name: 'dissociation_scale', value: values.dissociation_scale, maxlength: 32, hint: 'For example CADSS' }));
  const discharged = keep(inputField({ label: 'Discharged at (optional)', name: 'discharged_at', type: 'datetime-local', value: values.discharged_at }));
  const notes = keep(textareaField({ label: 'Notes', name: 'notes', value: values.notes, maxlength: 4000, rows: 3 }));

  const current = new Map<string, Severity>((existing?.side_effects ?? []).map((e) => [e.name, e.severity as Severity]));
  const sideEffectSelects = SIDE_EFFECTS.map((term) =>
    selectField({
      label: term.label,
      name: `side_effect_${term.name}`,
      choices: [
        { value: '', label: 'None' },
        { value: 'mild', label: 'Mild' },
        { value: 'moderate', label: 'Moderate' },
        { value: 'severe', label: 'Severe' },
      ],
      value: current.get(term.name) ?? '',
    }),
  );
  const sideEffectsField = h('fieldset', { class: 'side-effects-group' }, h('legend', null, 'Side effects during or after the session'), h('div', { class: 'form-grid' }, sideEffectSelects.map((f) => f.wrapper)));
  // The server names list items "side_effects.0.name"; they land on the whole group.
  const sideEffectsError: Field = { name: 'side_effects', wrapper: sideEffectsField, control: sideEffectSelects[0]?.control as HTMLSelectElement, error: h('p', { class: 'field-error', hidden: true }) };
  sideEffectsField.append(sideEffectsError.error);
  all.push(sideEffectsError);

  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'button' }, existing ? 'Save correction' : 'Record session');
  const form = h(
    'form',
    { class: 'form session-form', novalidate: true },
    h('fieldset', null, h('legend', null, 'Session'), h('div', { class: 'form-grid' }, startedAt.wrapper, phase.wrapper, modality.wrapper, route.wrapper, doseMg.wrapper, dosePerKg.wrapper, duration.wrapper)),
    h('fieldset', null, h('legend', null, 'Vital signs'), bpGroups, h('div', { class: 'form-grid' }, spo2.wrapper)),
    h('fieldset', null, h('legend', null, 'Dissociation'), h('div', { class: 'form-grid' }, dissociationScore.wrapper, dissociationScale.wrapper)),
    sideEffectsField,
    h('div', { class: 'form-grid' }, discharged.wrapper),
    notes.wrapper,
    errors,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: `/clinic/patients/${encodeURIComponent(pid)}` }, 'Cancel')),
  );
  trackUnsavedChanges(form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const raw = {} as SessionFormValues;
    for (const key of Object.keys(values) as SessionField[]) raw[key] = fields[key]?.control.value ?? '';
    const effects: SideEffectEntry[] = [];
    SIDE_EFFECTS.forEach((term, i) => {
      const severity = sideEffectSelects[i]?.control.value as Severity | '';
      if (severity) effects.push({ name: term.name, severity });
    });
    const checked = checkSession(raw, effects);
    if (!checked.input) {
      showFieldErrors(checked.errors as Record<string, string[]>, all, errors, 'The session was not saved. Please fix the fields marked below.');
      return;
    }
    const input = checked.input;
    void whileBusy(submit, existing ? 'Saving…' : 'Recording…', async () => {
      try {
        const saved = existing ? await app.api.correctSession(pid, existing.id, input) : await app.api.recordSession(pid, input);
        markSaved(form);
        app.navigate(`/clinic/patients/${encodeURIComponent(pid)}?saved=${existing ? 'corrected' : 'recorded'}&session=${saved.id}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) showServerProblem(error, all, errors);
        else showServerProblem(error, [], errors);
      }
    });
  });

  const revisionsHost = h('div');
  if (existing) {
    const sessionId = existing.id;
    app.api
      .sessionRevisions(pid, sessionId)
      .then((revisions) => replaceChildren(revisionsHost, revisionsList(revisions, app.session.user()?.id)))
      .catch((error: unknown) => replaceChildren(revisionsHost, loadError(error, 'The earlier versions')));
  }

  append(page, [
    h('p', { class: 'breadcrumb' }, h('a', { href: '/clinic/' }, 'Patients'), ' › ', h('a', { href: `/clinic/patients/${encodeURIComponent(pid)}` }, patient.display_name)),
    h('h1', null, existing ? `Correct the session of ${formatDateTime(existing.started_at)}` : `Record a session for ${patient.display_name}`),
    existing
      ? h('p', { class: 'lead' }, `${modalityLabel(existing.modality)}, ${humanise(existing.phase)}, version ${existing.revision}. Saving keeps the current values as an earlier version.`)
      : null,
    form,
    existing ? h('section', { class: 'card' }, h('h2', null, 'Earlier versions'), revisionsHost) : null,
  ]);
  return page;
}
