/**
 * The patient page's "Planned visits": the upcoming sessions and evaluations
 * (soonest first, date and time in the viewer's zone with the zone named),
 * "Plan a visit" (checked on the device: not in the past, at most a year
 * ahead; the server's 422 `errors` land on the same fields) and a "Cancel"
 * per visit behind a confirm step (the server keeps the row, marked
 * cancelled). An evaluation makes the PHQ-9 and GAD-7 due the day before it:
 * the server does that, the section says so.
 */
import { ApiError } from '../../shared/api';
import { APPOINTMENT_KINDS, appointmentKindLabel } from '../../shared/appointments';
import { deviceTimeZone, formatInstant } from '../../shared/dates';
import { focusTarget, h, message, replaceChildren, uid } from '../../shared/dom';
import { whileBusy } from '../../shared/forms';
import type { Appointment } from '../../shared/types';
import type { ClinicApp } from '../app';
import { checkAppointment, type AppointmentField } from '../appointment-input';
import { who } from '../format';
import { inputField, loadError, selectField, setError, showFieldErrors, showServerProblem, type Field } from '../ui';

export function plannedVisitsSection(app: ClinicApp, pid: string): HTMLElement {
  const headingId = uid('visits');
  const zone = deviceTimeZone();
  const listHost = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const status = h('div', { class: 'form-messages', role: 'status', tabindex: '-1' });

  const cancelControls = (appointment: Appointment, when: string): HTMLElement => {
    const what = `${appointmentKindLabel(appointment.kind).toLowerCase()} on ${when}`;
    const host = h('div', { class: 'appointment-actions' });
    const cancel = h('button', { type: 'button', class: 'button button-secondary button-small' }, 'Cancel', h('span', { class: 'visually-hidden' }, ` the ${what}`));
    const ask = () => {
      const yes = h('button', { type: 'button', class: 'button button-small' }, 'Yes, cancel it');
      const keep = h('button', { type: 'button', class: 'button button-secondary button-small' }, 'Keep it');
      keep.addEventListener('click', () => {
        replaceChildren(host, cancel);
        cancel.focus();
      });
      yes.addEventListener('click', () => {
        keep.disabled = true;
        void whileBusy(yes, 'Cancelling…', async () => {
          try {
            await app.api.cancelAppointment(pid, appointment.id);
            replaceChildren(status, message('success', `Cancelled the ${what}. It stays on record as cancelled.`));
            await load();
            focusTarget(status);
          } catch (error) {
            keep.disabled = false;
            replaceChildren(status, message('error', `The visit was not cancelled. ${error instanceof Error ? error.message : ''}`));
            if (error instanceof ApiError && (error.status === 404 || error.status === 409)) await load();
          }
        });
      });
      replaceChildren(host, h('span', { class: 'appointment-confirm' }, `Cancel the ${what}?`), ' ', yes, ' ', keep);
      yes.focus();
    };
    cancel.addEventListener('click', ask);
    host.append(cancel);
    return host;
  };

  async function load(): Promise<void> {
    let items: Appointment[];
    try {
      items = await app.api.appointments(pid);
    } catch (error) {
      replaceChildren(listHost, loadError(error, 'The planned visits'));
      return;
    }
    if (items.length === 0) {
      replaceChildren(listHost, h('p', { class: 'appointments-empty' }, 'No visits planned.'));
      return;
    }
    const me = app.session.user()?.id;
    replaceChildren(
      listHost,
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data appointments-table' },
          h('caption', { class: 'visually-hidden' }, 'Upcoming visits, soonest first'),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Visit'), h('th', { scope: 'col' }, 'Planned by'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
          h(
            'tbody',
            null,
            items.map((appointment) => {
              const when = formatInstant(appointment.scheduled_at, zone);
              return h(
                'tr',
                { 'data-appointment-id': String(appointment.id) },
                h('th', { scope: 'row' }, when),
                h('td', null, appointmentKindLabel(appointment.kind), appointment.kind === 'evaluation' ? h('span', { class: 'small muted block' }, 'PHQ-9 and GAD-7 due the day before') : null),
                h('td', null, who(appointment.created_by_id, me)),
                h('td', null, cancelControls(appointment, when)),
              );
            }),
          ),
        ),
      ),
    );
  }

  const kind = selectField({ label: 'Kind of visit', name: 'kind', choices: APPOINTMENT_KINDS, value: 'session' });
  const scheduledAt = inputField({
    label: `Date and time (${zone})`,
    name: 'scheduled_at',
    type: 'datetime-local',
    hint: 'Your device’s time zone. Not in the past; at most a year ahead.',
  });
  const fields: Field[] = [kind, scheduledAt];
  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Plan visit');
  const formHeadingId = uid('plan');
  const form = h(
    'form',
    { class: 'form appointment-form', novalidate: true, 'aria-labelledby': formHeadingId },
    h('h3', { id: formHeadingId }, 'Plan a visit'),
    h('div', { class: 'form-grid' }, kind.wrapper, scheduledAt.wrapper),
    errors,
    h('div', { class: 'button-row' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const checked = checkAppointment({ kind: kind.control.value, scheduled_at: scheduledAt.control.value });
    if (!checked.input) {
      showFieldErrors(checked.errors as Record<AppointmentField, string[]>, fields, errors, 'The visit was not planned. Please fix the fields marked below.');
      return;
    }
    const input = checked.input;
    void whileBusy(submit, 'Planning…', async () => {
      try {
        const saved = await app.api.scheduleAppointment(pid, input);
        for (const field of fields) setError(field, null);
        errors.replaceChildren();
        scheduledAt.control.value = '';
        replaceChildren(status, message('success', `Planned: ${appointmentKindLabel(saved.kind).toLowerCase()} on ${formatInstant(saved.scheduled_at, zone)}.`));
        await load();
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) showServerProblem(error, fields, errors);
        else showServerProblem(error, [], errors);
      }
    });
  });

  void load();
  return h(
    'section',
    { class: 'card planned-visits', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Planned visits'),
    h('p', { class: 'field-hint' }, 'PHQ-9 and GAD-7 become due the day before an evaluation.'),
    listHost,
    status,
    form,
  );
}
