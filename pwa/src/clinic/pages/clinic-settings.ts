/**
 * "/clinic/settings": the clinic and the rules its alerts and questionnaires
 * follow (`GET /clinic`). Admins change them in one form: the clinic's name,
 * phone and zone, the questionnaire interval and each alert threshold, with
 * its default in its label; only what changed is sent (`PATCH /clinic`), and
 * the server's refusal lands on the field it names, or above the form for
 * thresholds that do not fit together. Clinicians see the same values read
 * only, so they can tell why an alert was raised.
 */
import { ApiError, flattenErrors } from '../../shared/api';
import { markSaved, trackUnsavedChanges } from '../../shared/dirty';
import { h, uid } from '../../shared/dom';
import { whileBusy } from '../../shared/forms';
import type { ClinicSettings } from '../../shared/types';
import type { ClinicApp } from '../app';
import {
  INTERVAL_MAX,
  INTERVAL_MIN,
  SEVERITIES,
  THRESHOLD_GROUPS,
  THRESHOLD_RULES,
  buildClinicUpdate,
  defaultNote,
  fieldErrorsForForm,
  formValues,
  hasChanges,
  severitiesText,
  type ClinicSettingsValues,
  type NumericThreshold,
} from '../clinic-settings-input';
import { humanise } from '../format';
import { announce, dataTable, inputField, loadError, selectField, setError, showFieldErrors, showServerProblem, statusRegion, timeZoneChoices, type Field } from '../ui';

const NOT_SAVED = 'The clinic settings were not saved.';
const PHONE_HINT = 'Shown to patients beside 988 and 911 when a check-in raises a safety concern. Leave it empty for none.';
const ZONE_HINT = 'New patients start in this zone; each patient’s reminders and days follow their own.';
const URGENT_NOTE = 'The urgent alert on thoughts of self-harm (the daily safety question, PHQ-9 item 9) is always on and cannot be changed.';
const SEVERITIES_LABEL = 'Side effects that raise an alert';

/** A label with the default beside it, in the label so it is read with the field's name. */
function withDefault(label: string, fallback: number | null): HTMLElement[] {
  return [h('span', null, label), h('span', { class: 'label-default' }, ` ${defaultNote(fallback)}`)];
}

/** A number input's text as typed: one the browser could not read as a number is not a number. */
function typed(control: Field['control']): string {
  return control instanceof HTMLInputElement && control.validity.badInput ? '?' : control.value;
}

interface SeverityChoices {
  field: Field;
  boxes: HTMLInputElement[];
}

/** The severities as checkboxes in a fieldset; a field for errors (`alerts.side_effect_severities`). */
function severityChoices(clinic: ClinicSettings): SeverityChoices {
  const errorId = uid('severities-error');
  const hintId = uid('severities-hint');
  const boxes = SEVERITIES.map((severity) => h('input', { type: 'checkbox', name: 'side_effect_severities', value: severity, checked: clinic.alerts.side_effect_severities.includes(severity) }));
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h(
    'fieldset',
    { class: 'field', 'aria-describedby': `${hintId} ${errorId}` },
    h('legend', null, SEVERITIES_LABEL, h('span', { class: 'label-default' }, ` (default ${severitiesText(clinic.defaults.alerts.side_effect_severities).toLowerCase()})`)),
    h('p', { id: hintId, class: 'field-hint' }, 'As the patient rated them on a check-in. Choose at least one.'),
    h(
      'div',
      { class: 'choice-row' },
      boxes.map((box, i) => h('label', { class: 'choice' }, box, humanise(SEVERITIES[i] ?? ''))),
    ),
    error,
  );
  const first = boxes[0];
  if (!first) throw new Error('no severities');
  return { field: { name: 'alerts.side_effect_severities', wrapper, control: first, error }, boxes };
}

function settingsForm(app: ClinicApp, loaded: ClinicSettings): HTMLElement {
  let clinic = loaded;
  const defaults = clinic.defaults;
  const name = inputField({ label: 'Clinic name', name: 'name', required: true, maxlength: 200 });
  const phone = inputField({ label: 'Clinic phone', name: 'phone', type: 'tel', inputmode: 'tel', maxlength: 40, hint: PHONE_HINT });
  const zone = selectField({ label: 'Time zone', name: 'timezone', choices: timeZoneChoices(clinic.timezone), value: clinic.timezone, hint: ZONE_HINT });
  const interval = inputField({
    label: 'Questionnaire every (days)',
    name: 'questionnaire_interval_days',
    type: 'number',
    min: INTERVAL_MIN,
    max: INTERVAL_MAX,
    step: '1',
    inputmode: 'numeric',
    hint: `How far apart the PHQ-9 and GAD-7 fall due: ${INTERVAL_MIN} to ${INTERVAL_MAX} days ${defaultNote(defaults.questionnaire_interval_days)}.`,
  });
  const thresholds = new Map<NumericThreshold, Field>(
    THRESHOLD_RULES.map((rule) => [
      rule.name,
      inputField({
        label: withDefault(rule.label, defaults.alerts[rule.name]),
        name: `alerts.${rule.name}`,
        type: 'number',
        min: rule.min,
        max: rule.max,
        step: rule.whole ? '1' : 'any',
        inputmode: rule.whole ? 'numeric' : 'decimal',
        hint: rule.hint,
      }),
    ]),
  );
  const severities = severityChoices(clinic);
  const fields: Field[] = [name, phone, zone, interval, ...thresholds.values(), severities.field];

  const fill = (values: ClinicSettingsValues) => {
    name.control.value = values.name;
    phone.control.value = values.phone;
    zone.control.value = values.timezone;
    interval.control.value = values.questionnaire_interval_days;
    for (const [threshold, field] of thresholds) field.control.value = values.alerts[threshold];
    for (const box of severities.boxes) box.checked = values.side_effect_severities.includes(box.value);
  };
  const read = (): ClinicSettingsValues => {
    const alerts = {} as Record<NumericThreshold, string>;
    for (const [threshold, field] of thresholds) alerts[threshold] = typed(field.control);
    return {
      name: name.control.value,
      phone: phone.control.value,
      timezone: zone.control.value,
      questionnaire_interval_days: typed(interval.control),
      alerts,
      side_effect_severities: severities.boxes.filter((box) => box.checked).map((box) => box.value),
    };
  };
  fill(formValues(clinic));

  const group = (title: string, intro: string | null, ...children: HTMLElement[]) =>
    h('fieldset', { class: 'settings-group' }, h('legend', null, title), intro ? h('p', { class: 'field-hint' }, intro) : null, ...children);
  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const status = statusRegion();
  const save = h('button', { type: 'submit', class: 'button' }, 'Save clinic settings');
  const form = h(
    'form',
    { class: 'form clinic-settings-form', novalidate: true, 'aria-label': 'Clinic settings' },
    group('The clinic', null, name.wrapper, phone.wrapper, zone.wrapper),
    group('Questionnaires', null, interval.wrapper),
    THRESHOLD_GROUPS.map((g) =>
      group(
        g.title,
        g.intro,
        ...THRESHOLD_RULES.filter((rule) => rule.group === g.group).flatMap((rule) => thresholds.get(rule.name)?.wrapper ?? []),
        ...(g.group === 'checkins' ? [severities.field.wrapper] : []),
      ),
    ),
    h('p', { class: 'field-hint' }, URGENT_NOTE),
    errors,
    h('div', null, save),
    status,
  );
  trackUnsavedChanges(form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.replaceChildren();
    const checked = buildClinicUpdate(clinic, read());
    if (!checked.changes) {
      showFieldErrors(checked.errors, fields, errors, NOT_SAVED);
      return;
    }
    const changes = checked.changes;
    for (const field of fields) setError(field, null);
    errors.replaceChildren();
    if (!hasChanges(changes)) {
      markSaved(form);
      announce(status, 'Nothing to save: no setting was changed.');
      return;
    }
    let saved = false;
    void whileBusy(save, 'Saving…', async () => {
      try {
        clinic = await app.api.updateClinicSettings(changes);
        fill(formValues(clinic));
        markSaved(form);
        const me = app.session.user();
        if (me?.clinic) app.session.updateUser({ ...me, clinic: { ...me.clinic, name: clinic.name, phone: clinic.phone } });
        announce(status, 'Clinic settings saved.');
        saved = true;
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) showFieldErrors({ name: [error.message] }, fields, errors, NOT_SAVED);
        else if (error instanceof ApiError && error.problem?.errors) showFieldErrors(fieldErrorsForForm(flattenErrors(error.problem.errors)), fields, errors, NOT_SAVED);
        else showServerProblem(error, fields, errors);
      }
    }).then(() => {
      if (saved) save.focus();
    });
  });
  return form;
}

/** A rule's value in a table: "Off" for an alert that is off. */
function ruleCell(value: number | null): string {
  return value === null ? 'Off' : String(value);
}

/** The same values, read only (clinicians): per group, a table of each setting now and its default. */
function settingsView(clinic: ClinicSettings): HTMLElement {
  const defaults = clinic.defaults;
  const section = (title: string, intro: string | null, headers: readonly string[], rows: readonly (readonly string[])[]) => {
    const headingId = uid('settings');
    return h(
      'section',
      { class: 'settings-group', 'aria-labelledby': headingId },
      h('h2', { id: headingId }, title),
      intro ? h('p', { class: 'field-hint' }, intro) : null,
      dataTable(title, headers, rows, { className: 'data settings-table' }),
    );
  };
  const ruleHeaders = ['Setting', 'Now', 'Default'];
  return h(
    'div',
    { class: 'clinic-settings-view' },
    section('The clinic', null, ['Setting', 'Now'], [
      ['Clinic name', clinic.name],
      ['Clinic phone', clinic.phone ?? 'None set'],
      ['Time zone', clinic.timezone.replace(/_/g, ' ')],
    ]),
    section('Questionnaires', null, ruleHeaders, [['Questionnaire every (days)', String(clinic.questionnaire_interval_days), String(defaults.questionnaire_interval_days)]]),
    THRESHOLD_GROUPS.map((g) =>
      section(g.title, g.intro, ruleHeaders, [
        ...THRESHOLD_RULES.filter((rule) => rule.group === g.group).map((rule) => [rule.label, ruleCell(clinic.alerts[rule.name]), ruleCell(defaults.alerts[rule.name])]),
        ...(g.group === 'checkins' ? [[SEVERITIES_LABEL, severitiesText(clinic.alerts.side_effect_severities), severitiesText(defaults.alerts.side_effect_severities)]] : []),
      ]),
    ),
    h('p', { class: 'field-hint' }, URGENT_NOTE),
  );
}

export async function renderClinicSettings(app: ClinicApp): Promise<Node> {
  const page = h('section', { class: 'page clinic-settings' }, h('h1', null, 'Clinic settings'));
  const me = app.session.user();
  const admin = me?.role === 'admin';
  let clinic: ClinicSettings;
  try {
    clinic = await app.api.clinicSettings();
  } catch (error) {
    page.append(loadError(error, 'The clinic’s settings'));
    return page;
  }
  page.append(
    h(
      'p',
      { class: 'lead' },
      admin
        ? 'The clinic’s details and the rules its alerts and questionnaires follow. A change applies at once, to every patient of the clinic.'
        : 'The rules the clinic’s alerts and questionnaires follow, so you can tell why an alert was raised. Only a clinic admin can change them.',
    ),
    admin ? settingsForm(app, clinic) : settingsView(clinic),
  );
  return page;
}
