/**
 * "/checkin": the 30-second daily check-in. Opens pre-filled when the day
 * already has one (a new submission is a correction; the server keeps the
 * earlier revision). Submissions go through the outbox, so they work offline.
 */
import { addDays, formatDate, localDate } from '../../shared/dates';
import { focusTarget, h, message, replaceChildren, uid } from '../../shared/dom';
import { markSaved, trackUnsavedChanges, isUnsaved } from '../../shared/dirty';
import { checkinHasSafetySignal } from '../../shared/safety';
import type { CheckInInput, Severity, SideEffectEntry } from '../../shared/types';
import {
  DAILY_SCALES,
  NOTE_MAX_LENGTH,
  SAFETY_QUESTION,
  SEVERITIES,
  SIDE_EFFECTS,
  type DailyScale,
} from '../../shared/vocab';
import type { RouteContext } from '../../shared/router';
import type { PatientApp } from '../app';

type CheckInValues = Omit<CheckInInput, 'submit_id'>;
/** What a form can be filled from: a server check-in or one waiting in the outbox. */
type PrefillValues = Pick<CheckInInput, 'mood' | 'anxiety' | 'pain' | 'side_effects'> & {
  note?: string | null;
  self_harm_thoughts?: boolean | null;
};
type SafetyAnswer = 'yes' | 'no' | 'skip' | '';

const DEFAULT_SCORE = 5;
/** The server accepts today and up to two days back (flagged as a late entry). */
const BACKFILL_DAYS = 2;

interface SliderParts {
  wrapper: HTMLElement;
  input: HTMLInputElement;
  set(value: number): void;
}

function slider(scale: DailyScale): SliderParts {
  const id = uid(scale.code);
  const endsId = `${id}-ends`;
  const output = h('output', { for: id, class: 'scale-value', 'aria-hidden': 'true' }, String(DEFAULT_SCORE));
  const input = h('input', {
    id,
    name: scale.code,
    type: 'range',
    min: 0,
    max: 10,
    step: 1,
    value: DEFAULT_SCORE,
    'aria-describedby': endsId,
    'aria-valuetext': `${DEFAULT_SCORE} out of 10`,
  });
  const set = (value: number) => {
    input.value = String(value);
    output.textContent = String(value);
    input.setAttribute('aria-valuetext', `${value} out of 10`);
  };
  input.addEventListener('input', () => set(Number(input.value)));
  const wrapper = h(
    'div',
    { class: `scale scale-${scale.code}` },
    h('div', { class: 'scale-head' }, h('label', { for: id, class: 'scale-label' }, scale.label), output),
    input,
    h(
      'div',
      { id: endsId, class: 'scale-ends' },
      h('span', null, scale.low),
      h('span', { class: 'visually-hidden' }, ', '),
      h('span', null, scale.high),
    ),
  );
  return { wrapper, input, set };
}

interface SideEffectParts {
  wrapper: HTMLElement;
  read(): SideEffectEntry[];
  set(entries: readonly SideEffectEntry[]): void;
}

function sideEffects(): SideEffectParts {
  const rows = SIDE_EFFECTS.map((term) => {
    const id = uid(`se-${term.name}`);
    // A toggle button rather than a labelled checkbox: "Bladder pain or urgency" must not
    // be found as a label of "Pain", the slider's exact accessible name.
    const toggle = h(
      'button',
      { type: 'button', class: 'chip', 'aria-pressed': 'false', 'data-side-effect': term.name },
      h('span', { class: 'chip-mark', 'aria-hidden': 'true' }),
      h('span', null, term.label),
    );
    const radios = SEVERITIES.map((severity, index) =>
      h('input', {
        type: 'radio',
        name: `${id}-severity`,
        value: severity.value,
        id: `${id}-${severity.value}`,
        checked: index === 0,
      }),
    );
    const severityGroup = h(
      'fieldset',
      { class: 'severity', hidden: true },
      h('legend', { class: 'visually-hidden' }, `How bad: ${term.label}`),
      SEVERITIES.map((severity, index) =>
        h('label', { class: 'severity-option', for: `${id}-${severity.value}` }, radios[index], severity.label),
      ),
    );
    const isOn = () => toggle.getAttribute('aria-pressed') === 'true';
    const setChecked = (checked: boolean) => {
      toggle.setAttribute('aria-pressed', String(checked));
      severityGroup.hidden = !checked;
    };
    toggle.addEventListener('click', () => {
      setChecked(!isOn());
      // Buttons do not fire input events: tell the form it changed.
      toggle.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const row = h('li', { class: 'side-effect' }, toggle, severityGroup);
    const setSeverity = (value: Severity) => {
      for (const radio of radios) radio.checked = radio.value === value;
    };
    return { term, isOn, radios, row, setSeverity, setChecked };
  });

  const hintId = uid('se-hint');
  const wrapper = h(
    'fieldset',
    { class: 'side-effects', 'aria-describedby': hintId },
    h('legend', null, 'Side effects today'),
    h('p', { id: hintId, class: 'field-hint' }, 'Tap any you had, then choose how bad it was.'),
    h(
      'ul',
      { class: 'chip-list' },
      rows.map((row) => row.row),
    ),
  );
  return {
    wrapper,
    read: () =>
      rows
        .filter((row) => row.isOn())
        .map((row) => ({
          name: row.term.name,
          severity: (row.radios.find((radio) => radio.checked)?.value ?? 'mild') as Severity,
        })),
    set: (entries) => {
      for (const row of rows) {
        const entry = entries.find((item) => item.name === row.term.name);
        row.setChecked(Boolean(entry));
        row.setSeverity(entry?.severity ?? 'mild');
      }
    },
  };
}

interface SafetyParts {
  wrapper: HTMLElement;
  read(): SafetyAnswer;
  set(value: boolean | null | undefined): void;
}

function safetyQuestion(): SafetyParts {
  const name = uid('self-harm');
  const hintId = `${name}-hint`;
  const options: { value: SafetyAnswer; label: string }[] = [
    { value: 'yes', label: 'Yes' },
    { value: 'no', label: 'No' },
    { value: 'skip', label: 'Prefer not to say' },
  ];
  const radios = options.map((option) =>
    h('input', { type: 'radio', name, value: option.value, id: `${name}-${option.value}` }),
  );
  const wrapper = h(
    'fieldset',
    { class: 'safety-question', 'aria-describedby': hintId },
    h('legend', null, SAFETY_QUESTION),
    h(
      'p',
      { id: hintId, class: 'field-hint' },
      'Optional. Your care team sees your answer. If you answer yes, we show you who you can call or text right now.',
    ),
    h(
      'div',
      { class: 'choice-row' },
      options.map((option, index) =>
        h('label', { class: 'choice', for: `${name}-${option.value}` }, radios[index], option.label),
      ),
    ),
  );
  return {
    wrapper,
    read: () => (radios.find((radio) => radio.checked)?.value ?? '') as SafetyAnswer,
    set: (value) => {
      const wanted: SafetyAnswer = value === true ? 'yes' : value === false ? 'no' : '';
      for (const radio of radios) radio.checked = radio.value === wanted && wanted !== '';
    },
  };
}

function dayLabel(date: string, today: string): string {
  if (date === today) return `Today (${formatDate(date)})`;
  if (date === addDays(today, -1)) return `Yesterday (${formatDate(date)})`;
  return formatDate(date, { weekday: 'long' });
}

export async function renderCheckin(app: PatientApp, ctx: RouteContext): Promise<Node> {
  const timezone = app.session.user()?.patient?.timezone;
  const today = localDate(timezone);
  const days = Array.from({ length: BACKFILL_DAYS + 1 }, (_, back) => addDays(today, -back));
  const reminder = ctx.query.get('reminder'); // opened from a reminder's notification
  if (reminder && /^\d+$/.test(reminder)) void app.api.reminderOpened(reminder).catch(() => undefined);
  const requested = ctx.query.get('date');
  const date = requested && days.includes(requested) ? requested : today;
  const page = h('section', { class: 'page' });

  const dayId = uid('day');
  const daySelect = h(
    'select',
    { id: dayId, name: 'local_date' },
    days.map((day) => h('option', { value: day, selected: day === date }, dayLabel(day, today))),
  );
  daySelect.addEventListener('change', () => app.navigate(`/checkin?date=${daySelect.value}`, { replace: true }));

  const sliders = DAILY_SCALES.map((scale) => ({ scale, parts: slider(scale) }));
  const effects = sideEffects();
  const safety = safetyQuestion();
  const noteId = uid('note');
  const noteCountId = `${noteId}-count`;
  const note = h('textarea', {
    id: noteId,
    name: 'note',
    rows: 3,
    maxlength: NOTE_MAX_LENGTH,
    'aria-describedby': noteCountId,
  });
  const noteCount = h('p', { id: noteCountId, class: 'field-hint' }, `Up to ${NOTE_MAX_LENGTH} characters.`);
  note.addEventListener('input', () => {
    noteCount.textContent = `${note.value.length} of ${NOTE_MAX_LENGTH} characters.`;
  });
  const notice = h('div', { class: 'form-notice' });
  const result = h('div', { class: 'form-messages' });
  const submit = h('button', { type: 'submit', class: 'button button-large' }, 'Submit check-in');

  const form = h(
    'form',
    { class: 'form checkin-form', novalidate: true },
    h('div', { class: 'field field-inline' }, h('label', { for: dayId }, 'Day'), daySelect),
    notice,
    sliders.map((slider) => slider.parts.wrapper),
    effects.wrapper,
    h('div', { class: 'field' }, h('label', { for: noteId }, 'Note (optional)'), note, noteCount),
    safety.wrapper,
    result,
    submit,
  );
  trackUnsavedChanges(form);

  function fill(values: PrefillValues): void {
    for (const { scale, parts } of sliders) parts.set(values[scale.code]);
    effects.set(values.side_effects);
    note.value = values.note ?? '';
    safety.set(values.self_harm_thoughts);
  }

  function read(): CheckInValues {
    const values: CheckInValues = {
      local_date: date,
      mood: Number(sliders[0]?.parts.input.value ?? DEFAULT_SCORE),
      anxiety: Number(sliders[1]?.parts.input.value ?? DEFAULT_SCORE),
      pain: Number(sliders[2]?.parts.input.value ?? DEFAULT_SCORE),
      side_effects: effects.read(),
      tz_offset_minutes: -new Date().getTimezoneOffset(),
    };
    const text = note.value.trim();
    if (text) values.note = text.slice(0, NOTE_MAX_LENGTH);
    const answer = safety.read();
    if (answer === 'yes') values.self_harm_thoughts = true;
    if (answer === 'no') values.self_harm_thoughts = false;
    return values;
  }

  function showDone(kind: 'sent' | 'queued', detail: string | null, unauthorized: boolean): void {
    const heading = h('h2', null, kind === 'sent' ? 'Thank you. Your check-in is saved.' : 'Saved on this phone');
    replaceChildren(
      page,
      h('h1', null, 'Check-in'),
      h(
        'div',
        { class: `card done done-${kind}`, role: 'status' },
        heading,
        kind === 'queued'
          ? h(
              'p',
              null,
              unauthorized
                ? 'Sign in again to send it. It stays on this phone until then.'
                : 'It will be sent automatically when you are back online. You do not need to do anything.',
            )
          : null,
        detail ? h('p', { class: 'field-hint' }, detail) : null,
      ),
      h(
        'div',
        { class: 'button-row' },
        unauthorized ? h('a', { class: 'button', href: '/signin?next=/checkin' }, 'Sign in') : null,
        h('a', { class: 'button button-secondary', href: `/checkin?date=${date}` }, 'Change this check-in'),
        h('a', { class: 'button button-secondary', href: '/' }, 'Done'),
      ),
    );
    focusTarget(heading);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    const values = read();
    const signal = checkinHasSafetySignal(values);
    // Decided on the device, before any network: help shows even offline.
    if (signal) app.crisis.open({ signal: true });
    submit.disabled = true;
    result.replaceChildren();
    void app
      .submit('checkin', values, signal)
      .then((outcome) => {
        if (outcome.outcome === 'refused') {
          replaceChildren(
            result,
            message('error', h('strong', null, 'Your check-in was not accepted. '), outcome.message),
          );
          focusTarget(result.firstElementChild as HTMLElement | null);
          return;
        }
        markSaved(form);
        if (outcome.outcome === 'accepted') {
          const lateNote =
            outcome.data && typeof outcome.data === 'object' && (outcome.data as { late_entry?: boolean }).late_entry
              ? 'Recorded as a late entry for that day.'
              : null;
          showDone('sent', lateNote, false);
        } else {
          // Why the send failed is shown once, in the outbox notice above.
          showDone('queued', null, outcome.unauthorized);
        }
      })
      .catch((error: unknown) => {
        console.error(error);
        replaceChildren(result, message('error', 'Your check-in could not be saved on this phone. Please try again.'));
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  // Pre-fill for correction: the server's latest for the day, or what waits in the outbox.
  void (async () => {
    let existing: PrefillValues | null = null;
    let pendingSource = false;
    const owner = app.session.owner();
    const pending = owner
      ? (await app.outbox.list(owner)).filter(
          (entry) => entry.kind === 'checkin' && entry.state === 'pending' && entry.payload.local_date === date,
        )
      : [];
    const lastPending = pending.at(-1);
    if (lastPending && lastPending.kind === 'checkin') {
      existing = lastPending.payload;
      pendingSource = true;
    } else {
      try {
        const items = await app.api.listCheckins(date, date);
        const latest = [...items].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0)).at(-1);
        if (latest) existing = latest;
      } catch {
        // Offline or not yet available: an empty form is fine.
      }
    }
    if (!existing || isUnsaved(form) || ctx.signal.aborted) return;
    fill(existing);
    replaceChildren(
      notice,
      message(
        'info',
        pendingSource
          ? 'This day’s check-in is waiting to be sent. Change anything and submit again to correct it.'
          : 'You already checked in for this day. Change anything and submit again to correct it.',
      ),
    );
  })();

  replaceChildren(
    page,
    h('h1', null, 'Check-in'),
    h('p', { class: 'lead' }, 'How have you been today? Move each slider, then submit.'),
    form,
  );
  return page;
}
