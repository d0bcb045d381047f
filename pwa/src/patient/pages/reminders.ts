/**
 * "/reminders": the time and days of the daily reminder, and push on this
 * phone (turned on only by a tap; on iOS outside the Home Screen app we
 * explain how to install instead, since iOS delivers push only there).
 */
import { ApiError } from '../../shared/api';
import { deviceTimeZone } from '../../shared/dates';
import { h, message, replaceChildren, uid } from '../../shared/dom';
import { showRequestError, textField, whileBusy } from '../../shared/forms';
import { needsHomeScreenForPush, pushSupported } from '../../shared/platform';
import type { ReminderSettings } from '../../shared/types';
import { WEEKDAYS } from '../../shared/vocab';
import type { PatientApp } from '../app';
import { currentSubscription, disablePush, enablePush } from '../push';

const DEFAULT_SETTINGS: ReminderSettings = {
  enabled: false,
  local_time: '19:00',
  timezone: deviceTimeZone(),
  weekdays: [0, 1, 2, 3, 4, 5, 6],
};

export async function renderReminders(app: PatientApp): Promise<Node> {
  let settings: ReminderSettings;
  try {
    settings = { ...DEFAULT_SETTINGS, ...(await app.api.reminderSettings()) };
  } catch (error) {
    const text =
      error instanceof ApiError && error.isNotFound
        ? 'Reminders are not available yet. Your clinic will let you know when they are.'
        : error instanceof ApiError && error.isOffline
          ? 'Reminder settings need a connection. Please try again when you are online.'
          : 'Your reminder settings could not be loaded. Please try again later.';
    return h('section', { class: 'page' }, h('h1', null, 'Reminders'), message('info', text));
  }

  const time = textField({
    label: 'Reminder time',
    name: 'local_time',
    type: 'time',
    required: true,
    value: settings.local_time,
    hint: `In this phone’s time zone (${deviceTimeZone()}).`,
  });
  const dayGroup = uid('weekday');
  const dayBoxes = WEEKDAYS.map((day) =>
    h('input', {
      type: 'checkbox',
      id: `${dayGroup}-${day.value}`,
      name: 'weekdays',
      value: day.value,
      checked: settings.weekdays.includes(day.value),
    }),
  );
  const saveMessages = h('div', { class: 'form-messages' });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save reminder time');
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    time.wrapper,
    h(
      'fieldset',
      { class: 'weekdays' },
      h('legend', null, 'Days'),
      h(
        'div',
        { class: 'choice-row' },
        WEEKDAYS.map((day, index) =>
          h(
            'label',
            { class: 'choice', for: `${dayGroup}-${day.value}` },
            dayBoxes[index],
            h('span', { 'aria-hidden': 'true' }, day.short),
            h('span', { class: 'visually-hidden' }, day.long),
          ),
        ),
      ),
    ),
    saveMessages,
    save,
  );

  function readForm(enabled: boolean): ReminderSettings | null {
    const localTime = time.input.value;
    const weekdays = dayBoxes.filter((box) => box.checked).map((box) => Number(box.value));
    if (!/^\d{2}:\d{2}$/.test(localTime)) {
      replaceChildren(saveMessages, message('error', 'Choose a time, for example 19:00.'));
      time.input.focus();
      return null;
    }
    if (weekdays.length === 0) {
      replaceChildren(saveMessages, message('error', 'Choose at least one day.'));
      dayBoxes[0]?.focus();
      return null;
    }
    return { enabled, local_time: localTime, weekdays, timezone: deviceTimeZone() };
  }

  async function store(next: ReminderSettings): Promise<void> {
    settings = { ...DEFAULT_SETTINGS, ...(await app.api.saveReminderSettings(next)) };
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = readForm(settings.enabled);
    if (!next) return;
    void whileBusy(save, 'Saving…', async () => {
      try {
        await store(next);
        replaceChildren(saveMessages, message('success', 'Saved.'));
      } catch (error) {
        showRequestError(error, saveMessages, { local_time: time });
      }
    });
  });

  const pushBox = h('div', { class: 'card' });
  const pushMessages = h('div', { class: 'form-messages' });

  async function renderPush(): Promise<void> {
    const subscribed = pushSupported() ? Boolean(await currentSubscription().catch(() => null)) : false;
    const on = settings.enabled && subscribed;
    const heading = h('h2', null, 'Reminders on this phone');
    if (needsHomeScreenForPush()) {
      replaceChildren(
        pushBox,
        heading,
        h('p', null, 'On iPhone and iPad, reminders work only in the app on your Home Screen:'),
        h(
          'ol',
          null,
          h('li', null, 'Tap the Share button in Safari (the square with an arrow).'),
          h('li', null, 'Choose “Add to Home Screen”, then “Add”.'),
          h('li', null, 'Open the app from your Home Screen and come back to this page.'),
        ),
        pushMessages,
      );
      return;
    }
    if (!pushSupported()) {
      replaceChildren(pushBox, heading, h('p', null, 'This browser cannot show reminders. Try Chrome, Edge, Firefox or Safari.'), pushMessages);
      return;
    }
    if (Notification.permission === 'denied') {
      replaceChildren(
        pushBox,
        heading,
        h('p', null, 'Notifications are blocked for this app. To get reminders, allow notifications in your browser’s or phone’s settings for this site, then come back.'),
        pushMessages,
      );
      return;
    }
    const toggle = h('button', { type: 'button', class: on ? 'button button-secondary' : 'button' }, on ? 'Turn off reminders' : 'Turn on reminders');
    toggle.addEventListener('click', () => {
      const next = readForm(!on);
      if (!next) return;
      toggle.disabled = true;
      // enablePush awaits the permission request first, while the tap still counts.
      const work = on ? disablePush(app).then(() => 'granted' as const) : enablePush(app);
      void work
        .then(async (permission) => {
          if (permission !== 'granted') {
            replaceChildren(
              pushMessages,
              message('warning', permission === 'denied' ? 'Notifications were blocked, so reminders cannot be shown.' : 'Notifications were not allowed. Tap again when you are ready.'),
            );
            return;
          }
          await store(next);
          replaceChildren(
            pushMessages,
            message(
              'success',
              on
                ? 'Reminders are off.'
                : `Reminders are on. We will remind you at ${next.local_time} on the days you chose, unless you have already checked in.`,
            ),
          );
        })
        .catch((error: unknown) => showRequestError(error, pushMessages))
        .finally(() => {
          toggle.disabled = false;
          void renderPush();
        });
    });
    replaceChildren(
      pushBox,
      heading,
      h('p', null, on ? 'Reminders are on for this phone.' : 'Reminders are off for this phone.'),
      toggle,
      pushMessages,
    );
  }

  void renderPush();
  return h(
    'section',
    { class: 'page' },
    h('h1', null, 'Reminders'),
    h('p', { class: 'lead' }, 'A daily nudge at the time you choose. No reminder comes on a day you have already checked in.'),
    form,
    pushBox,
  );
}
