/** "/clinic/signin": staff sign-in. */
import { h, message } from '../../shared/dom';
import { showProblem, showRequestError, textField, whileBusy } from '../../shared/forms';
import type { RouteContext } from '../../shared/router';
import type { ClinicApp } from '../app';

const REASONS: Record<string, string> = {
  idle: 'You were signed out after 15 minutes without activity.',
  expired: 'Your session ended. Please sign in again.',
};

export function renderSignin(app: ClinicApp, ctx: RouteContext): Node {
  const email = textField({ label: 'Email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = textField({
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const errors = h('div', { class: 'form-messages' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h('form', { class: 'form', novalidate: true }, email.wrapper, password.wrapper, errors, submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const address = email.input.value.trim();
    if (!address || !password.input.value) {
      const fieldErrors: Record<string, string[]> = {};
      if (!address) fieldErrors.email = ['Enter your email.'];
      if (!password.input.value) fieldErrors.password = ['Enter your password.'];
      showProblem(422, { title: 'Please fill in the missing fields.', errors: fieldErrors }, errors, { email, password });
      return;
    }
    void whileBusy(submit, 'Signing in…', async () => {
      try {
        const session = await app.api.login(address, password.input.value);
        if (session.user.role === 'patient') {
          void app.api.logout(session.token).catch(() => undefined);
          showProblem(403, { detail: 'This site is for clinic staff. Patients use the check-in app.' }, errors);
          errors.append(h('p', null, h('a', { href: '/' }, 'Open the check-in app')));
          return;
        }
        app.session.save(session);
        const next = ctx.query.get('next');
        app.navigate(next && next.startsWith('/clinic/') ? next : '/clinic/', { replace: true });
      } catch (error) {
        showRequestError(error, errors, { email, password });
      }
    });
  });

  const reason = REASONS[ctx.query.get('reason') ?? ''];
  return h(
    'section',
    { class: 'page page-narrow' },
    h('h1', null, 'Clinic sign-in'),
    reason ? message('info', reason) : null,
    form,
  );
}
