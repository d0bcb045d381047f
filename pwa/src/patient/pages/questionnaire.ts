/**
 * "/questionnaire": PHQ-9 and GAD-7 when due, one item per screen, verbatim
 * from GET /instruments with the copyright line. A PHQ-9 item 9 answer of 1
 * or more opens crisis help the moment it is chosen (decided on the device).
 * The PHQ-9's unscored difficulty item follows the items when any was answered
 * above 0, as on the paper form; it is optional.
 */
import { ApiError } from '../../shared/api';
import { focusTarget, h, message, replaceChildren, uid } from '../../shared/dom';
import { markSaved, trackUnsavedChanges } from '../../shared/dirty';
import { PHQ9_SUICIDALITY_INDEX, questionnaireHasSafetySignal } from '../../shared/safety';
import type { DueQuestionnaire, Instrument } from '../../shared/types';
import { INSTRUMENT_NAMES } from '../../shared/vocab';
import type { RouteContext } from '../../shared/router';
import type { PatientApp } from '../app';

async function loadInstruments(app: PatientApp): Promise<Instrument[] | 'unavailable'> {
  try {
    const items = await app.api.instruments();
    await app.instruments.set(items);
    return items;
  } catch (error) {
    const cached = await app.instruments.get();
    if (cached && cached.length > 0) return cached;
    if (error instanceof ApiError && error.isNotFound) return 'unavailable';
    throw error;
  }
}

async function loadDue(app: PatientApp): Promise<DueQuestionnaire[]> {
  try {
    const due = await app.api.dueQuestionnaires();
    await app.dueQuestionnaires.set(due);
    return due;
  } catch (error) {
    const cached = await app.dueQuestionnaires.get();
    if (cached) return cached;
    if (error instanceof ApiError && error.isNotFound) return [];
    throw error;
  }
}

export async function renderQuestionnaire(app: PatientApp, ctx: RouteContext): Promise<Node> {
  const page = h('section', { class: 'page' });
  let instruments: Instrument[] | 'unavailable';
  let due: DueQuestionnaire[];
  try {
    [instruments, due] = await Promise.all([loadInstruments(app), loadDue(app)]);
  } catch (error) {
    return h(
      'section',
      { class: 'page' },
      h('h1', null, 'Questionnaires'),
      message('error', error instanceof ApiError ? error.message : 'The questionnaires could not be loaded.'),
    );
  }
  if (instruments === 'unavailable') {
    return h(
      'section',
      { class: 'page' },
      h('h1', null, 'Questionnaires'),
      message('info', 'Questionnaires are not available yet. Your clinic will let you know.'),
    );
  }
  const available = instruments;
  const requested = ctx.query.get('instrument');
  const queue = (requested ? [requested] : due.map((item) => item.instrument))
    .map((code) => available.find((instrument) => instrument.code === code))
    .filter((instrument): instrument is Instrument => Boolean(instrument));

  if (queue.length === 0) {
    return h(
      'section',
      { class: 'page' },
      h('h1', null, 'Questionnaires'),
      h('p', null, 'Nothing is due right now. We will remind you when the next one is due.'),
      h('a', { class: 'button button-secondary', href: '/' }, 'Back to today'),
    );
  }

  const form = h('form', { class: 'form questionnaire', novalidate: true });
  trackUnsavedChanges(form);
  let instrumentIndex = 0;
  let itemIndex = 0;
  let answers: (number | null)[] = [];
  let difficulty: number | null = null;
  let crisisShown = false;
  let anySignal = false;
  const sent: string[] = [];

  function startInstrument(index: number): void {
    instrumentIndex = index;
    itemIndex = 0;
    const instrument = queue[index];
    answers = instrument ? instrument.items.map(() => null) : [];
    difficulty = null;
    crisisShown = false;
  }

  /** "If you checked off any problems": asked only after an item above 0. */
  function asksDifficulty(instrument: Instrument): boolean {
    return Boolean(instrument.difficulty_item) && answers.some((answer) => (answer ?? 0) > 0);
  }

  function showFinished(failures: string[]): void {
    markSaved(form);
    const heading = h('h2', null, failures.length === 0 ? 'Thank you. Your answers are saved.' : 'Not all answers were accepted');
    replaceChildren(
      page,
      h('h1', null, 'Questionnaires'),
      h(
        'div',
        { class: 'card', role: 'status' },
        heading,
        sent.length > 0 ? h('ul', null, sent.map((line) => h('li', null, line))) : null,
        anySignal
          ? h('p', null, 'If you need to talk to someone now, tap “Crisis help” at the top of the screen at any time.')
          : null,
        failures.map((text) => message('error', text)),
      ),
      h('a', { class: 'button button-secondary', href: '/' }, 'Back to today'),
    );
    focusTarget(heading);
  }

  async function submitCurrent(instrument: Instrument, failures: string[]): Promise<void> {
    const complete = answers.map((answer) => answer ?? 0);
    const signal = questionnaireHasSafetySignal(instrument.code, complete);
    anySignal ||= signal;
    const payload = {
      instrument: instrument.code,
      answers: complete,
      difficulty: asksDifficulty(instrument) ? difficulty : null,
    };
    const outcome = await app.submit('questionnaire', payload, signal);
    const name = INSTRUMENT_NAMES[instrument.code] ?? instrument.title;
    if (outcome.outcome === 'accepted') sent.push(`${name}: sent to your care team.`);
    else if (outcome.outcome === 'queued') sent.push(`${name}: saved on this phone; it will be sent when you are back online.`);
    else failures.push(`${name} was not accepted: ${outcome.message}`);
  }

  const failures: string[] = [];

  function renderItem(): void {
    const instrument = queue[instrumentIndex];
    if (!instrument) return;
    const followUp = itemIndex === instrument.items.length ? instrument.difficulty_item : undefined;
    const item = followUp ?? instrument.items[itemIndex];
    if (!item) return;
    const options = followUp ? followUp.options : instrument.options;
    const current = followUp ? difficulty : answers[itemIndex];
    const stemId = uid('stem');
    const errorBox = h('div', { class: 'form-messages' });
    const groupName = uid('answer');
    const radios = options.map((option) =>
      h('input', {
        type: 'radio',
        name: groupName,
        value: option.value,
        id: `${groupName}-${option.value}`,
        checked: current === option.value,
      }),
    );
    for (const radio of radios) {
      radio.addEventListener('change', () => {
        errorBox.replaceChildren();
        if (followUp) {
          difficulty = Number(radio.value);
          return;
        }
        answers[itemIndex] = Number(radio.value);
        if (
          !crisisShown &&
          itemIndex === PHQ9_SUICIDALITY_INDEX &&
          questionnaireHasSafetySignal(instrument.code, answers)
        ) {
          crisisShown = true;
          app.crisis.open({ signal: true });
        }
      });
    }
    const last = itemIndex === instrument.items.length - (asksDifficulty(instrument) ? 0 : 1);
    const back = h('button', { type: 'button', class: 'button button-secondary' }, 'Back');
    back.addEventListener('click', () => {
      if (itemIndex > 0) {
        itemIndex -= 1;
        renderItem();
      }
    });
    const next = h('button', { type: 'submit', class: 'button' }, last ? 'Submit answers' : 'Next');
    const legend = h('legend', { class: 'item-text' }, item.text);
    replaceChildren(
      form,
      h(
        'p',
        { class: 'progress' },
        followUp
          ? `${instrument.title}: one last question`
          : `${instrument.title}: question ${itemIndex + 1} of ${instrument.items.length}`,
      ),
      h('p', { id: stemId, class: 'stem' }, followUp ? 'This question is optional and does not change your score.' : instrument.stem),
      h(
        'fieldset',
        { class: 'options', 'aria-describedby': stemId },
        legend,
        options.map((option, index) =>
          h('label', { class: 'choice choice-block', for: `${groupName}-${option.value}` }, radios[index], option.text),
        ),
      ),
      errorBox,
      h('div', { class: 'button-row' }, itemIndex > 0 ? back : null, next),
      h('p', { class: 'copyright' }, instrument.copyright),
    );
    form.onsubmit = (event) => {
      event.preventDefault();
      if (!followUp && (answers[itemIndex] === null || answers[itemIndex] === undefined)) {
        replaceChildren(errorBox, message('error', 'Choose one answer to go on.'));
        radios[0]?.focus();
        return;
      }
      if (!last) {
        itemIndex += 1;
        renderItem();
        focusTarget(form.querySelector('.progress'));
        return;
      }
      next.disabled = true;
      void submitCurrent(instrument, failures)
        .catch((error: unknown) => {
          console.error(error);
          failures.push('Your answers could not be saved on this phone. Please try again.');
        })
        .then(() => {
          if (instrumentIndex + 1 < queue.length) {
            startInstrument(instrumentIndex + 1);
            renderItem();
            focusTarget(form.querySelector('.progress'));
          } else {
            showFinished(failures);
          }
        });
    };
  }

  startInstrument(0);
  renderItem();
  const names = queue.map((instrument) => INSTRUMENT_NAMES[instrument.code] ?? instrument.title).join(' and ');
  replaceChildren(
    page,
    h('h1', null, 'Questionnaires'),
    h('p', { class: 'lead' }, `${names}. One question at a time; there are no right or wrong answers.`),
    form,
  );
  return page;
}
