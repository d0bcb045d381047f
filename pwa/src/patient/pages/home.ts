/**
 * "/": today at a glance: check-in status, questionnaires due, the next planned
 * visit, what is waiting to be sent. The next visit is read online only and
 * never stored on the device: offline (or on a server without appointments)
 * the card stays hidden.
 */
import { ApiError } from '../../shared/api';
import { appointmentKindLabel, nextAppointment } from '../../shared/appointments';
import { formatInstant, localDate } from '../../shared/dates';
import { h, message, replaceChildren } from '../../shared/dom';
import { isIos, isStandalone } from '../../shared/platform';
import { INSTRUMENT_NAMES } from '../../shared/vocab';
import type { PatientApp } from '../app';
import { installPrompt } from '../install';

export function renderHome(app: PatientApp): Node {
  const user = app.session.user();
  const name = user?.patient?.display_name;
  const today = localDate(user?.patient?.timezone);
  const checkinCard = h('div', { class: 'card' }, h('p', null, 'Looking for today’s check-in…'));
  const dueCard = h('div', { class: 'card', hidden: true });
  const visitCard = h('div', { class: 'card', hidden: true });
  const signOut = h('button', { type: 'button', class: 'button button-secondary' }, 'Sign out');
  signOut.addEventListener('click', () => void app.signOut());

  void (async () => {
    const waiting = (await app.outbox.list(app.session.owner() ?? '')).some(
      (entry) => entry.kind === 'checkin' && entry.state === 'pending' && entry.payload.local_date === today,
    );
    let done = waiting;
    if (!done) {
      try {
        done = (await app.api.listCheckins(today, today)).length > 0;
      } catch {
        // Offline: only what waits in the outbox is known.
      }
    }
    replaceChildren(
      checkinCard,
      done
        ? [
            h('h2', null, 'Today’s check-in is done'),
            h('p', null, 'Thank you. You can still change it today.'),
            h('a', { class: 'button button-secondary', href: '/checkin' }, 'Change today’s check-in'),
          ]
        : [
            h('h2', null, 'How are you today?'),
            h('p', null, 'Three sliders and you are done.'),
            h('a', { class: 'button button-large', href: '/checkin' }, 'Check in now'),
          ],
    );
  })();

  void (async () => {
    try {
      const due = await app.api.dueQuestionnaires();
      await app.dueQuestionnaires.set(due);
      if (due.length === 0) return;
      const names = due.map((item) => INSTRUMENT_NAMES[item.instrument] ?? item.instrument).join(' and ');
      replaceChildren(
        dueCard,
        h('h2', null, 'A questionnaire is due'),
        h('p', null, `${names}: a few questions about the last two weeks. It takes about 3 minutes.`),
        h('a', { class: 'button', href: '/questionnaire' }, 'Answer now'),
      );
      dueCard.hidden = false;
    } catch (error) {
      if (!(error instanceof ApiError)) console.warn(error);
    }
  })();

  void (async () => {
    if (!app.session.signedIn()) return;
    try {
      const next = nextAppointment(await app.api.myAppointments());
      if (!next) return;
      replaceChildren(
        visitCard,
        h('h2', null, 'Your next visit'),
        h('p', null, `${appointmentKindLabel(next.kind)}: ${formatInstant(next.scheduled_at)}`),
        next.kind === 'evaluation'
          ? h('p', null, 'The PHQ-9 and GAD-7 questionnaires will be ready for you the day before.')
          : null,
      );
      visitCard.hidden = false;
    } catch (error) {
      // Offline, signed out or not on this server: say nothing.
      if (!(error instanceof ApiError)) console.warn(error);
    }
  })();

  const install = installPrompt();
  const installCard = !isStandalone()
    ? h(
        'div',
        { class: 'card card-quiet' },
        h('h2', null, 'Keep the app on your home screen'),
        isIos()
          ? h(
              'p',
              null,
              'In Safari, tap the Share button, then “Add to Home Screen”. Reminders on iPhone work only from the Home Screen app, and your unsent check-ins are kept safer there.',
            )
          : h('p', null, 'Install it to open it in one tap, get reminders and keep unsent check-ins safe.'),
        install,
      )
    : null;

  return h(
    'section',
    { class: 'page' },
    h('h1', null, name ? `Hello, ${name}` : 'Today'),
    app.session.signedIn() ? null : message('warning', 'You are signed out.'),
    checkinCard,
    dueCard,
    visitCard,
    h(
      'div',
      { class: 'card' },
      h('h2', null, 'More'),
      h(
        'ul',
        { class: 'link-list' },
        h('li', null, h('a', { href: '/trends' }, 'My trends')),
        h('li', null, h('a', { href: '/questionnaire' }, 'Questionnaires')),
        h('li', null, h('a', { href: '/reminders' }, 'Reminders')),
      ),
    ),
    installCard,
    h('div', { class: 'page-footer' }, signOut),
  );
}
