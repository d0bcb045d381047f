/** The patient app's entry: builds the shell, wires the router, the outbox replays and the service worker. */
import '../shared/styles/base.css';
import './patient.css';
import { h } from '../shared/dom';
import { createRouter, type Route, type RouteContext } from '../shared/router';
import { startServiceWorker } from '../shared/update-prompt';
import { createPatientApp, type PatientApp } from './app';
import { captureInstallPrompt } from './install';
import { mountOutboxView } from './outbox-view';
import { renderCheckin } from './pages/checkin';
import { renderEnroll } from './pages/enroll';
import { renderHome } from './pages/home';
import { renderSignin } from './pages/signin';
import { resyncPush } from './push';

const APP_NAME = 'Ketamine care check-in';
const RETRY_INTERVAL_MS = 60_000;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found as T;
}

function routes(app: PatientApp): { routes: Route[]; notFound: Route } {
  const signedIn = () => (app.session.signedIn() ? null : `/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
  const page = (path: string, title: string, render: (ctx: RouteContext) => Node | Promise<Node>, guard = signedIn): Route => ({
    path,
    title,
    guard,
    render,
  });
  const open = () => null;
  return {
    routes: [
      page('/', 'Today', () => renderHome(app)),
      page('/enroll', 'Join', (ctx) => renderEnroll(app, ctx), open),
      page('/signin', 'Sign in', (ctx) => renderSignin(app, ctx), open),
      page('/checkin', 'Check-in', (ctx) => renderCheckin(app, ctx)),
      page('/questionnaire', 'Questionnaires', async (ctx) => (await import('./pages/questionnaire')).renderQuestionnaire(app, ctx)),
      page('/trends', 'My trends', async (ctx) => (await import('./pages/trends')).renderTrends(app, ctx)),
      page('/reminders', 'Reminders', async () => (await import('./pages/reminders')).renderReminders(app)),
    ],
    notFound: {
      path: '*',
      title: 'Not found',
      render: () =>
        h(
          'section',
          { class: 'page' },
          h('h1', null, 'Page not found'),
          h('p', null, h('a', { href: '/' }, 'Go to today’s check-in')),
        ),
    },
  };
}

function highlightNav(nav: HTMLElement, path: string): void {
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function main(): Promise<void> {
  captureInstallPrompt();
  const nav = element<HTMLElement>('app-nav');
  let navigate: PatientApp['navigate'] = (to) => location.assign(to);
  const app = await createPatientApp((to, options) => navigate(to, options));

  element('crisis-slot').replaceChildren(app.crisis.button);
  const refreshOutbox = mountOutboxView(app, element('outbox-region'));
  const { routes: list, notFound } = routes(app);
  const router = createRouter({
    appName: APP_NAME,
    outlet: element('page'),
    routes: list,
    notFound,
    onRendered: (path) => {
      nav.hidden = !app.session.signedIn();
      highlightNav(nav, path);
      void refreshOutbox();
    },
  });
  navigate = router.navigate;
  router.start();

  // A tapped reminder asks the open app to show the check-in, without a reload over a half-filled form.
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: string; url?: string } | null;
    if (data?.type === 'NAVIGATE' && typeof data.url === 'string' && data.url.startsWith('/')) router.navigate(data.url);
  });

  window.addEventListener('online', () => void app.replayOutbox());
  // A server that answered 5xx may be back while the device never went offline: retry now and then.
  setInterval(() => {
    if (navigator.onLine && document.visibilityState === 'visible') void app.replayOutbox();
  }, RETRY_INTERVAL_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void app.replayOutbox();
  });

  startServiceWorker(element('update-region'));
  await app.replayOutbox();
  await app.refreshProfile();
  void resyncPush(app);
}

void main();
