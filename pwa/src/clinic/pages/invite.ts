/**
 * "/clinic/invite": create a patient, then an invitation shown as a code, a
 * link and a QR code for the patient's phone. The invitation is on screen
 * only; nothing is kept in the browser.
 */
import { deviceTimeZone } from '../../shared/dates';
import { h, message, replaceChildren } from '../../shared/dom';
import { whileBusy } from '../../shared/forms';
import type { Invitation } from '../../shared/types';
import type { ClinicApp } from '../app';
import { formatDateTime } from '../format';
import { inputField, selectField, showFieldErrors, showServerProblem, timeZoneChoices, type Field } from '../ui';

/** Code, link and QR code of one invitation. */
export async function invitationCard(invitation: Invitation): Promise<HTMLElement> {
  const { qrSvg } = await import('../qr');
  const copy = h('button', { type: 'button', class: 'button button-secondary button-small' }, 'Copy link');
  const copied = h('span', { role: 'status', class: 'small' });
  copy.addEventListener('click', () => {
    void navigator.clipboard
      ?.writeText(invitation.enroll_url)
      .then(() => {
        copied.textContent = 'Link copied.';
      })
      .catch(() => {
        copied.textContent = 'Copy did not work: select the link and copy it.';
      });
  });
  return h(
    'section',
    { class: 'card invitation', 'aria-label': 'Invitation' },
    h('h2', null, 'Invitation'),
    h(
      'div',
      { class: 'invitation-body' },
      h(
        'div',
        null,
        h('p', null, 'Invite code'),
        h('p', { class: 'invite-code' }, invitation.code),
        h('p', null, 'Link'),
        h('p', null, h('a', { href: invitation.enroll_url, class: 'invite-link' }, invitation.enroll_url)),
        h('div', { class: 'button-row' }, copy, copied),
        h('p', { class: 'field-hint' }, `Valid until ${formatDateTime(invitation.expires_at)}. It works once.`),
        invitation.replaces_devices
          ? h('p', { class: 'field-hint' }, 'A new-device invitation: the patient keeps their history and sets a new password; their other devices are signed out.')
          : null,
      ),
      h('figure', { class: 'qr-figure' }, qrSvg(invitation.enroll_url, `QR code of the invitation link for code ${invitation.code}`), h('figcaption', null, 'Scan with the phone camera')),
    ),
  );
}

export function renderInvite(app: ClinicApp): Node {
  const name = inputField({ label: 'Name', name: 'display_name', required: true, maxlength: 120, hint: 'As the care team calls them.' });
  const external = inputField({ label: 'MRN or external id (optional)', name: 'external_id', maxlength: 64 });
  const device = deviceTimeZone();
  const zone = selectField({
    label: 'Time zone',
    name: 'timezone',
    hint: 'Where the patient lives: reminders and daily dates follow it.',
    choices: timeZoneChoices(device),
    value: device,
  });
  const fields: Field[] = [name, external, zone];
  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const result = h('div');
  const submit = h('button', { type: 'submit', class: 'button' }, 'Create patient and invitation');
  const form = h('form', { class: 'form', novalidate: true }, name.wrapper, external.wrapper, zone.wrapper, errors, submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const displayName = name.control.value.trim();
    if (!displayName) {
      showFieldErrors({ display_name: ['Enter the patient’s name.'] }, fields, errors, 'Please fix the form.');
      return;
    }
    void whileBusy(submit, 'Creating…', async () => {
      try {
        const patient = await app.api.createPatient({
          display_name: displayName,
          external_id: external.control.value.trim() || null,
          timezone: zone.control.value || null,
        });
        const invitation = await app.api.invite(patient.id);
        form.reset();
        errors.replaceChildren();
        replaceChildren(
          result,
          message('success', h('p', null, `${patient.display_name} was added. Give them the code, the link or the QR code.`), h('p', null, h('a', { href: `/clinic/patients/${patient.id}` }, `Open ${patient.display_name}’s page`))),
          await invitationCard(invitation),
        );
        result.querySelector<HTMLElement>('.invite-code')?.scrollIntoView({ block: 'nearest' });
      } catch (error) {
        showServerProblem(error, fields, errors);
      }
    });
  });

  return h('section', { class: 'page' }, h('p', { class: 'breadcrumb' }, h('a', { href: '/clinic/' }, 'Patients')), h('h1', null, 'Invite a patient'), form, result);
}
