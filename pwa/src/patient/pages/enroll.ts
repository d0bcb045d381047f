/** "/enroll": join with the invitation link (`?code=`) or a typed code. */
import { deviceTimeZone } from '../../shared/dates';
import { h } from '../../shared/dom';
import { showProblem, showRequestError, textField, whileBusy } from '../../shared/forms';
import type { RouteContext } from '../../shared/router';
import type { PatientApp } from '../app';

export function renderEnroll(app: PatientApp, ctx: RouteContext): Node {
  const timezone = deviceTimeZone();
  const code = textField({
    label: 'Invite code',
    name: 'invite_code',
    autocomplete: 'one-time-code',
    autocapitalize: 'characters',
    spellcheck: false,
    required: true,
    hint: 'From your clinic’s invitation. If you opened the invitation link, it is already filled in.',
    value: ctx.query.get('code')?.trim() ?? '',
  });
  const password = textField({
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: 'Choose a password for this app.',
  });
  const email = textField({
    label: 'Email',
    name: 'email',
    type: 'email',
    autocomplete: 'email',
    hint: 'Optional. With an email you can sign in again on another phone.',
  });
  const errors = h('div', { class: 'form-messages' });
  const submit = h('button', { type: 'submit', class: 'button button-large' }, 'Join');
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    code.wrapper,
    password.wrapper,
    email.wrapper,
    h('p', { class: 'field-hint' }, `Time zone: ${timezone} (from this device; reminders follow it).`),
    errors,
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const inviteCode = code.input.value.trim();
    if (!inviteCode || !password.input.value) {
      const fieldErrors: Record<string, string[]> = {};
      if (!inviteCode) fieldErrors.invite_code = ['Enter the code from your invitation.'];
      if (!password.input.value) fieldErrors.password = ['Choose a password.'];
      showProblem(422, { title: 'Please fill in the missing fields.', errors: fieldErrors }, errors, {
        invite_code: code,
        password,
      });
      return;
    }
    void whileBusy(submit, 'Joining…', async () => {
      try {
        const body: { invite_code: string; password: string; timezone: string; email?: string } = {
          invite_code: inviteCode,
          password: password.input.value,
          timezone,
        };
        const typedEmail = email.input.value.trim();
        if (typedEmail) body.email = typedEmail;
        const session = await app.api.enroll(body);
        await app.startSession(session);
        app.navigate('/', { replace: true });
      } catch (error) {
        showRequestError(error, errors, { invite_code: code, password, email });
      }
    });
  });

  return h(
    'section',
    { class: 'page page-narrow' },
    h('h1', null, 'Join your clinic'),
    h('p', null, 'Each day you will answer three quick questions. Your care team sees your answers between visits.'),
    form,
    h('p', null, 'Already joined? ', h('a', { href: '/signin' }, 'Sign in')),
  );
}
