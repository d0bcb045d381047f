/**
 * "/clinic/account": the signed-in staff member's own account. "Your name"
 * sets the display name colleagues see on the alert trail and in the header
 * (empty shows the email). "Change password" sets a new one; the server
 * revokes every earlier token, so other devices and tabs are signed out and
 * this tab carries on with the new session it answers.
 */
import { h, uid } from '../../shared/dom';
import { whileBusy } from '../../shared/forms';
import type { ClinicApp } from '../app';
import { DISPLAY_NAME_MAX, PASSWORD_MIN, checkDisplayName, checkPasswordChange } from '../account-input';
import { humanise } from '../format';
import { announce, inputField, setError, showFieldErrors, showServerProblem, statusRegion, type Field } from '../ui';

function clearFields(fields: readonly Field[], errors: HTMLElement): void {
  for (const field of fields) setError(field, null);
  errors.replaceChildren();
}

function nameSection(app: ClinicApp): HTMLElement {
  const headingId = uid('name');
  const user = app.session.user();
  const name = inputField({
    label: 'Display name',
    name: 'display_name',
    value: user?.display_name ?? '',
    maxlength: DISPLAY_NAME_MAX,
    autocomplete: 'name',
    hint: 'Shown to colleagues on the alert trail and in the header. Leave it empty to show your email instead.',
  });
  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const status = statusRegion();
  const save = h('button', { type: 'submit', class: 'button' }, 'Save name');
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': headingId }, name.wrapper, errors, h('div', null, save));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.replaceChildren();
    const checked = checkDisplayName(name.control.value);
    if (Object.keys(checked.errors).length > 0) {
      showFieldErrors(checked.errors, [name], errors, 'The name was not saved.');
      return;
    }
    const me = app.session.user();
    if (!me) return;
    let saved = false;
    void whileBusy(save, 'Saving…', async () => {
      try {
        const row = await app.api.updateStaffName(me.id, checked.value);
        clearFields([name], errors);
        name.control.value = row.display_name ?? '';
        app.session.updateUser({ ...me, display_name: row.display_name });
        announce(status, 'Name saved.');
        saved = true;
      } catch (error) {
        showServerProblem(error, [name], errors);
      }
    }).then(() => {
      if (saved) save.focus();
    });
  });

  return h('section', { class: 'card account-section', 'aria-labelledby': headingId }, h('h2', { id: headingId }, 'Your name'), form, status);
}

function passwordSection(app: ClinicApp): HTMLElement {
  const headingId = uid('password');
  const current = inputField({ label: 'Current password', name: 'current_password', type: 'password', autocomplete: 'current-password' });
  const next = inputField({
    label: 'New password',
    name: 'new_password',
    type: 'password',
    autocomplete: 'new-password',
    hint: `At least ${PASSWORD_MIN} characters, not a common password.`,
  });
  const repeat = inputField({ label: 'Repeat the new password', name: 'repeat_password', type: 'password', autocomplete: 'new-password' });
  const fields: Field[] = [current, next, repeat];
  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const status = statusRegion();
  const submit = h('button', { type: 'submit', class: 'button' }, 'Change password');
  // Password managers file the new password under this account.
  const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: app.session.user()?.email ?? '', hidden: true, readonly: true, tabindex: '-1' });
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': headingId },
    username,
    current.wrapper,
    next.wrapper,
    repeat.wrapper,
    errors,
    h('div', null, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.replaceChildren();
    const checked = checkPasswordChange({ current_password: current.control.value, new_password: next.control.value, repeat_password: repeat.control.value });
    if (!checked.input) {
      showFieldErrors(checked.errors, fields, errors, 'The password was not changed.');
      return;
    }
    const input = checked.input;
    let changed = false;
    void whileBusy(submit, 'Changing…', async () => {
      try {
        const session = await app.api.changePassword(input.current_password, input.new_password);
        app.session.save(session);
        clearFields(fields, errors);
        for (const field of fields) field.control.value = '';
        announce(status, 'Password changed. Your other devices and tabs were signed out.');
        changed = true;
      } catch (error) {
        showServerProblem(error, fields, errors);
      }
    }).then(() => {
      if (changed) submit.focus();
    });
  });

  return h('section', { class: 'card account-section', 'aria-labelledby': headingId }, h('h2', { id: headingId }, 'Change password'), form, status);
}

export function renderAccount(app: ClinicApp): Node {
  const user = app.session.user();
  return h(
    'section',
    { class: 'page' },
    h('h1', null, 'Your account'),
    user ? h('p', { class: 'lead' }, `Signed in as ${user.email ?? ''} (${humanise(user.role).toLowerCase()})${user.clinic ? ` at ${user.clinic.name}` : ''}.`) : null,
    nameSection(app),
    passwordSection(app),
  );
}
