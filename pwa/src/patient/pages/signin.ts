/** "/signin": email and password, for a patient who gave an email at enrollment. */
import { h, message } from '../../shared/dom';
import { showProblem, showRequestError, textField, whileBusy } from '../../shared/forms';
import type { RouteContext } from '../../shared/router';
import type { PatientApp } from '../app';

export async function renderSignin(app: PatientApp, ctx: RouteContext): Promise<Node> {
  const email = textField({
    label: 'Email',
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    required: true,
    value: app.session.user()?.email ?? '',
  });
  const password = textField({
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const errors = h('div', { class: 'form-messages' });
  const submit = h('button', { type: 'submit', class: 'button button-large' }, 'Sign in');
  const form = h('form', { class: 'form', novalidate: true }, email.wrapper, password.wrapper, errors, submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const address = email.input.value.trim();
    if (!address || !password.input.value) {
      const fieldErrors: Record<string, string[]> = {};
      if (!address) fieldErrors.email = ['Enter your email.'];
      if (!password.input.value) fieldErrors.password = ['Enter your password.'];
      showProblem(422, { title: 'Please fill in the missing fields.', errors: fieldErrors }, errors, {
        email,
        password,
      });
      return;
    }
    void whileBusy(submit, 'Signing in…', async () => {
      try {
        const session = await app.api.login(address, password.input.value);
        if (session.user.role !== 'patient') {
          void app.api.logout(session.token).catch(() => undefined);
          showProblem(403, { detail: 'This app is for patients. Clinic staff sign in on the clinic site.' }, errors);
          errors.append(h('p', null, h('a', { href: '/clinic/signin' }, 'Go to the clinic sign-in')));
          return;
        }
        await app.startSession(session);
        const next = ctx.query.get('next');
        app.navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
      } catch (error) {
        showRequestError(error, errors, { email, password });
      }
    });
  });

  const owner = app.session.owner();
  const waiting = owner ? (await app.outbox.list(owner)).filter((entry) => entry.state === 'pending').length : 0;
  return h(
    'section',
    { class: 'page page-narrow' },
    h('h1', null, 'Sign in'),
    ctx.query.has('expired') ? message('warning', 'You were signed out. Please sign in again.') : null,
    waiting > 0
      ? message(
          'info',
          `${waiting === 1 ? '1 entry is' : `${waiting} entries are`} saved on this phone and will be sent after you sign in.`,
        )
      : null,
    form,
    h('p', null, 'New here, or no email set? ', h('a', { href: '/enroll' }, 'Join with an invite code')),
  );
}
