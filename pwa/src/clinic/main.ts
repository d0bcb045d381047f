/** The clinician app's entry: shell, router under /clinic/, idle sign-out, service worker. */
import '../shared/styles/base.css';
import './clinic.css';
import { h } from '../shared/dom';
import { createRouter, type Route } from '../shared/router';
import { startServiceWorker } from '../shared/update-prompt';
import { staffName } from './account-input';
import { createClinicApp } from './app';
import { renderAccount } from './pages/account';
import { renderAlerts } from './pages/alerts';
import { renderClinicSettings } from './pages/clinic-settings';
import { renderInvite } from './pages/invite';
import { renderPatient } from './pages/patient';
import { renderRoster } from './pages/roster';
import { renderSessionForm } from './pages/session-form';
import { renderSignin } from './pages/signin';
import { renderStaff } from './pages/staff';
import { renderSummary } from './pages/summary';
import { watchIdle } from './session';

const APP_NAME = 'Clinic';

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from clinic/index.html`);
  return found;
}

function main(): void {
  let navigate = (to: string, _options?: { replace?: boolean }) => location.assign(to);
  const app = createClinicApp((to, options) => navigate(to, options));
  const staffOnly = () =>
    app.session.signedIn() ? null : `/clinic/signin?next=${encodeURIComponent(location.pathname + location.search)}`;

  const routes: Route[] = [
    { path: '/clinic', title: 'Patients', guard: staffOnly, render: () => renderRoster(app) },
    { path: '/clinic/signin', title: 'Sign in', render: (ctx) => renderSignin(app, ctx) },
    { path: '/clinic/alerts', title: 'Alerts', guard: staffOnly, render: (ctx) => renderAlerts(app, ctx) },
    { path: '/clinic/invite', title: 'Invite a patient', guard: staffOnly, render: () => renderInvite(app) },
    { path: '/clinic/patients/:id', title: 'Patient', guard: staffOnly, render: (ctx) => renderPatient(app, ctx) },
    { path: '/clinic/patients/:id/sessions/new', title: 'Record a session', guard: staffOnly, render: (ctx) => renderSessionForm(app, ctx) },
    { path: '/clinic/patients/:id/sessions/:sid', title: 'Correct a session', guard: staffOnly, render: (ctx) => renderSessionForm(app, ctx) },
    { path: '/clinic/patients/:id/summary', title: 'Since-last-visit summary', guard: staffOnly, render: (ctx) => renderSummary(app, ctx) },
    { path: '/clinic/account', title: 'Your account', guard: staffOnly, render: () => renderAccount(app) },
    { path: '/clinic/staff', title: 'Staff', guard: staffOnly, render: () => renderStaff(app) },
    { path: '/clinic/settings', title: 'Clinic settings', guard: staffOnly, render: () => renderClinicSettings(app) },
  ];
  const notFound: Route = {
    path: '*',
    title: 'Not found',
    render: () => h('section', { class: 'page' }, h('h1', null, 'Page not found'), h('p', null, h('a', { href: '/clinic/' }, 'Patients'))),
  };

  const nav = element('app-nav');
  const account = element('account-slot');
  const signOut = h('button', { type: 'button', class: 'button button-small button-secondary' }, 'Sign out');
  signOut.addEventListener('click', () => void app.signOut());

  /** Who is signed in, by the name colleagues know them by (their account page behind it); admins see "Staff". */
  const renderShell = () => {
    const user = app.session.user();
    nav.hidden = !user;
    for (const item of nav.querySelectorAll<HTMLElement>('[data-admin-only]')) item.hidden = user?.role !== 'admin';
    const email = user?.email ?? '';
    const here = location.pathname.replace(/\/$/, '') === '/clinic/account';
    account.replaceChildren(
      ...(user ? [h('a', { href: '/clinic/account', class: 'account-email', title: email, 'aria-current': here ? 'page' : null }, staffName(user)), signOut] : []),
    );
  };
  app.session.onChange(renderShell);

  const router = createRouter({
    appName: APP_NAME,
    outlet: element('page'),
    routes,
    notFound,
    onRendered: (path) => {
      renderShell();
      for (const link of nav.querySelectorAll('a')) {
        if (link.pathname.replace(/\/$/, '') === path.replace(/\/$/, '')) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  });
  navigate = router.navigate;
  watchIdle(() => {
    if (app.session.signedIn()) void app.signOut('idle');
  });
  router.start();
  startServiceWorker(element('update-region'));
}

main();
