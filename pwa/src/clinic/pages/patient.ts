/**
 * "/clinic/patients/:id": what the clinician reads before a follow-up. The
 * course chart (daily scales with 7-day means, PHQ-9/GAD-7 over their bands,
 * every session marked) with a session table synced to it; beside it the
 * outcomes with their definitions and the durability of each session; then
 * the planned visits (./appointments.ts), questionnaire history (item 9 marked), check-ins, the reminder trail and
 * exports. Everything is fetched for this screen and dropped when it closes.
 */
import { ApiError } from '../../shared/api';
import { formatDate, localDate } from '../../shared/dates';
import { append, h, message, replaceChildren, uid } from '../../shared/dom';
import type { RouteContext } from '../../shared/router';
import type {
  CheckIn,
  Instrument,
  InstrumentBand,
  Outcomes,
  PatientRecord,
  QuestionnaireResponse,
  ReminderTrail,
  TreatmentSession,
  Trends,
} from '../../shared/types';
import { INSTRUMENT_NAMES, sideEffectLabel } from '../../shared/vocab';
import type { ClinicApp } from '../app';
import type { ChartSession, CourseChart } from '../course-chart';
import {
  bloodPressure,
  daysSinceEnrolment,
  difficultyText,
  durabilityText,
  formatDateTime,
  humanise,
  measureName,
  modalityLabel,
  OUTCOME_STATUS,
  reasonText,
  score,
  signed,
  who,
} from '../format';
import { dataTable, loadError, saveFile, tag } from '../ui';
import { plannedVisitsSection } from './appointments';
import { invitationCard } from './invite';

const PERIODS = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '180', label: '180 days' },
  { value: 'all', label: 'All' },
] as const;

const CHECKINS_SHOWN = 60;

function dose(session: Pick<TreatmentSession, 'dose_mg' | 'dose_mg_per_kg'>): string {
  const mg = `${score(session.dose_mg)} mg`;
  return session.dose_mg_per_kg ? `${mg} (${score(session.dose_mg_per_kg, 2)} mg/kg)` : mg;
}

function dissociation(session: Pick<TreatmentSession, 'dissociation_score' | 'dissociation_scale'>): string {
  if (session.dissociation_score === null || session.dissociation_score === undefined) return '—';
  return `${session.dissociation_score}${session.dissociation_scale ? ` (${session.dissociation_scale})` : ''}`;
}

function sideEffects(list: readonly { name: string; severity: string }[] | undefined): string {
  if (!list || list.length === 0) return 'None';
  return list.map((item) => `${sideEffectLabel(item.name)} (${item.severity})`).join(', ');
}

/** The tooltip's lines for one session marker. */
export function sessionLines(session: TreatmentSession): string[] {
  return [
    `${formatDate(session.local_date, { year: 'numeric' })}: ${modalityLabel(session.modality)}, ${session.phase}`,
    `Dose ${dose(session)}`,
    `BP pre ${bloodPressure(session.bp_pre_systolic, session.bp_pre_diastolic)}, peak ${bloodPressure(session.bp_peak_systolic, session.bp_peak_diastolic)}, discharge ${bloodPressure(session.bp_discharge_systolic, session.bp_discharge_diastolic)}`,
    `Dissociation ${dissociation(session)}`,
  ];
}

function outcomesSection(outcomes: Outcomes): HTMLElement {
  const body = h('div');
  body.append(
    h(
      'p',
      { class: 'field-hint' },
      outcomes.first_session_at
        ? `Measured against the baseline before the first treatment session (${formatDateTime(outcomes.first_session_at)}).`
        : 'No treatment session yet: response and remission are measured from the first one.',
    ),
  );
  for (const measure of outcomes.measures) {
    const isQuestionnaire = measure.measure === 'phq9' || measure.measure === 'gad7';
    const status = OUTCOME_STATUS[measure.status] ?? humanise(measure.status);
    const statusKind = measure.status === 'response' ? 'good' : measure.status === 'partial_response' ? 'medium' : 'neutral';
    body.append(
      h(
        'div',
        { class: 'outcome' },
        h('h3', { class: 'outcome-title' }, measureName(measure.measure), ' ', tag(status, statusKind), measure.remission ? tag('Remission', 'good') : null),
        h(
          'dl',
          { class: 'outcome-figures' },
          h('div', null, h('dt', null, 'Baseline'), h('dd', null, score(measure.baseline))),
          h('div', null, h('dt', null, 'Latest'), h('dd', null, score(measure.latest))),
          h('div', null, h('dt', null, 'Improvement'), h('dd', null, signed(measure.improvement))),
          h('div', null, h('dt', null, 'Change'), h('dd', null, measure.percent_change === null ? '—' : `${score(measure.percent_change, 0)}% better`)),
          isQuestionnaire ? h('div', null, h('dt', null, 'Remission'), h('dd', null, measure.remission === null ? '—' : measure.remission ? 'Yes' : 'No')) : null,
        ),
        measure.reason ? h('p', { class: 'small muted' }, `Why: ${reasonText(measure.reason)}.`) : null,
        measure.reliable_change ? h('p', { class: 'small' }, humanise(measure.reliable_change), measure.minimal_important_change ? '; minimal important change reached.' : '.') : null,
        h('details', { class: 'definition' }, h('summary', null, 'Definition used'), h('p', null, measure.definition)),
      ),
    );
  }
  return body;
}

function durabilitySection(outcomes: Outcomes, sessionIds: Set<string>): HTMLElement {
  if (outcomes.sessions.length === 0) return h('p', null, 'No treatment sessions yet.');
  const scales = outcomes.durability_scales;
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'field-hint' },
      'Days from each session until the 3-day mean of the daily score gave back half of its gain after the session.',
    ),
    dataTable(
      'How long each session helped',
      ['Session', ...scales.map((s) => humanise(s))],
      [...outcomes.sessions].reverse().map((session) => [
        h('span', { class: sessionIds.has(String(session.session_id)) ? '' : 'muted' }, formatDate(session.local_date, { year: 'numeric', weekday: undefined }), h('span', { class: 'small muted block' }, humanise(session.phase))),
        ...scales.map((scale) => {
          const d = session.durability[scale];
          if (!d) return '—';
          return h('span', null, durabilityText(d.status, d.days, d.reason), d.gain !== null && d.status !== 'insufficient_data' ? h('span', { class: 'small muted block' }, `gain ${signed(d.gain)}${d.provisional ? ', provisional' : ''}`) : null);
        }),
      ]),
    ),
  );
}

function questionnaireHistory(responses: QuestionnaireResponse[], instruments: Instrument[]): HTMLElement {
  if (responses.length === 0) return h('p', null, 'No questionnaires answered yet.');
  const sorted = [...responses].sort((a, b) => b.submitted_at.localeCompare(a.submitted_at));
  return dataTable(
    'Questionnaire history, newest first',
    ['Date', 'Questionnaire', 'Total', 'Band', 'Item 9 (thoughts of self-harm)', 'Difficulty (not scored)'],
    sorted.map((r) => {
      const item9 = r.instrument === 'phq9' ? r.answers[8] : undefined;
      return [
        formatDate(r.local_date ?? r.submitted_at.slice(0, 10), { year: 'numeric', weekday: undefined }),
        INSTRUMENT_NAMES[r.instrument] ?? r.instrument,
        String(r.total),
        tag(humanise(r.severity), `band-${r.severity}`),
        item9 === undefined ? h('span', { class: 'muted' }, 'n/a') : item9 > 0 ? tag(`Yes: ${item9} of 3`, 'urgent') : 'No (0)',
        difficultyText(instruments, r),
      ];
    }),
  );
}

function checkinsTable(checkins: CheckIn[], limit: number): HTMLElement {
  const sorted = [...checkins].sort((a, b) => b.local_date.localeCompare(a.local_date));
  return dataTable(
    'Check-ins, newest first',
    ['Date', 'Mood', 'Anxiety', 'Pain', 'Side effects', 'Note', 'Entry'],
    sorted.slice(0, limit).map((c) => [
      formatDate(c.local_date, { year: 'numeric' }),
      String(c.mood),
      String(c.anxiety),
      String(c.pain),
      c.side_effects.length ? sideEffects(c.side_effects) : h('span', { class: 'muted' }, 'None'),
      c.note ? h('span', { class: 'note' }, c.note) : h('span', { class: 'muted' }, '—'),
      h(
        'span',
        null,
        c.late_entry ? tag('Late entry', 'medium') : 'On the day',
        c.self_harm_thoughts ? h('span', { class: 'block' }, tag('Self-harm thoughts', 'urgent')) : null,
        c.revision > 1 ? h('span', { class: 'small muted block' }, `corrected (${c.revision} versions)`) : null,
      ),
    ]),
  );
}

function remindersSection(trail: ReminderTrail): HTMLElement {
  const push = trail.push;
  return h(
    'div',
    null,
    push.subscriptions > 0
      ? message('success', `Push is on: ${push.subscriptions} device${push.subscriptions === 1 ? '' : 's'}. Last delivered ${formatDateTime(push.last_success_at)}.`)
      : message('warning', 'No device has push turned on: reminders cannot reach this patient.'),
    trail.items.length === 0
      ? h('p', null, 'No reminders sent yet.')
      : dataTable(
          'Reminder deliveries, newest first',
          ['Day', 'Kind', 'Status', 'Attempts', 'Push service answer', 'Last error'],
          trail.items.map((d) => [
            formatDate(d.local_date, { year: 'numeric' }),
            humanise(d.kind),
            humanise(d.status),
            String(d.attempts),
            d.push_status_code === null ? '—' : String(d.push_status_code),
            d.last_error ?? '—',
          ]),
        ),
  );
}

function exportsSection(app: ClinicApp, pid: string): HTMLElement {
  const status = h('div', { class: 'form-messages', role: 'status' });
  const button = (label: string, run: () => Promise<void>) => {
    const b = h('button', { type: 'button', class: 'button button-secondary button-small' }, label);
    b.addEventListener('click', () => {
      b.disabled = true;
      status.replaceChildren();
      run()
        .then(() => {
          b.disabled = false;
        })
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.isNotFound) {
            b.setAttribute('aria-disabled', 'true');
            b.title = 'Not available on this server yet';
            replaceChildren(status, message('info', `${label}: not available on this server yet.`));
          } else {
            b.disabled = false;
            replaceChildren(status, message('error', `${label} failed. ${error instanceof Error ? error.message : ''}`));
          }
        });
    });
    return b;
  };
  return h(
    'div',
    null,
    h(
      'div',
      { class: 'button-row' },
      button('Check-ins (CSV)', async () => saveFile(await app.api.exportCsv(pid, 'checkins'))),
      button('Questionnaires (CSV)', async () => saveFile(await app.api.exportCsv(pid, 'questionnaires'))),
      button('Sessions (CSV)', async () => saveFile(await app.api.exportCsv(pid, 'sessions'))),
      button('FHIR R4 bundle (JSON)', async () => saveFile(await app.api.exportFhir(pid))),
    ),
    status,
  );
}

function sessionTable(sessions: TreatmentSession[], pid: string, onFocus: (id: number | null) => void): HTMLElement {
  if (sessions.length === 0) return h('p', null, 'No treatment sessions in this period.');
  const tbody = h('tbody');
  for (const s of [...sessions].sort((a, b) => b.started_at.localeCompare(a.started_at))) {
    const row = h(
      'tr',
      { 'data-session-id': String(s.id) },
      h('th', { scope: 'row' }, formatDate(s.local_date, { year: 'numeric' }), h('span', { class: 'small muted block' }, `${modalityLabel(s.modality)}, ${s.phase}`)),
      h('td', null, dose(s)),
      h('td', null, bloodPressure(s.bp_pre_systolic, s.bp_pre_diastolic), ' / ', bloodPressure(s.bp_peak_systolic, s.bp_peak_diastolic), ' / ', bloodPressure(s.bp_discharge_systolic, s.bp_discharge_diastolic)),
      h('td', null, dissociation(s)),
      h('td', null, sideEffects(s.side_effects)),
      h(
        'td',
        null,
        h('a', { href: `/clinic/patients/${encodeURIComponent(pid)}/sessions/${s.id}`, 'aria-label': `Correct the session of ${formatDate(s.local_date, { year: 'numeric' })}` }, 'Correct'),
        s.revision > 1 ? h('span', { class: 'small muted block' }, `revision ${s.revision}`) : null,
      ),
    );
    row.addEventListener('mouseenter', () => onFocus(s.id));
    row.addEventListener('mouseleave', () => onFocus(null));
    row.addEventListener('focusin', () => onFocus(s.id));
    row.addEventListener('focusout', () => onFocus(null));
    tbody.append(row);
  }
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data sessions-table' },
      h('caption', { class: 'table-caption' }, 'Treatment sessions in this period (pointing at or focusing a row marks it on the chart)'),
      h(
        'thead',
        null,
        h('tr', null, ['Session', 'Dose', 'Blood pressure pre / peak / discharge', 'Dissociation', 'Side effects', ''].map((text, i) => h('th', { scope: 'col' }, i === 5 ? h('span', { class: 'visually-hidden' }, 'Actions') : text))),
      ),
      tbody,
    ),
  );
}

export async function renderPatient(app: ClinicApp, ctx: RouteContext): Promise<Node> {
  const pid = ctx.params.id ?? '';
  const page = h('section', { class: 'page page-wide patient-page' });
  let patient: PatientRecord;
  try {
    patient = await app.api.patient(pid);
  } catch (error) {
    page.append(h('h1', null, 'Patient'), error instanceof ApiError && error.isNotFound ? message('error', 'No such patient in your clinic.') : loadError(error, 'This patient'));
    return page;
  }
  const today = localDate(patient.timezone);
  const requested = ctx.query.get('days') ?? '90';
  let period: string = PERIODS.some((p) => p.value === requested) ? requested : '90';
  const daysFor = (value: string) => (value === 'all' ? daysSinceEnrolment(patient.enrolled_at, patient.created_at, today) : Number(value));

  // Independent reads start together; each section renders when its answer arrives.
  const outcomesP = app.api.patientOutcomes(pid);
  const sessionsP = app.api.treatmentSessions(pid);
  const instrumentsP = app.api.instruments().catch(() => [] as Instrument[]);
  const questionnairesP = app.api.patientQuestionnaires(pid);
  const remindersP = app.api.patientReminders(pid);
  const alertsP = app.api.alerts('active', pid).catch(() => []);
  for (const p of [outcomesP, sessionsP, questionnairesP, remindersP]) p.catch(() => undefined);

  const chartHost = h('div', { class: 'chart-host' });
  const sessionsHost = h('div', { class: 'sessions-host' });
  const checkinsHost = h('div');
  const periodStatus = h('p', { class: 'field-hint', role: 'status' });
  const alertsHost = h('div');
  let chart: CourseChart | null = null;
  ctx.signal.addEventListener('abort', () => chart?.destroy());

  const group = uid('period');
  const picker = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', null, 'Period'),
    PERIODS.map((p) => {
      const id = `${group}-${p.value}`;
      const radio = h('input', { type: 'radio', name: group, id, value: p.value, checked: p.value === period });
      radio.addEventListener('change', () => {
        period = p.value;
        const url = new URL(location.href);
        url.searchParams.set('days', period);
        history.replaceState(null, '', `${url.pathname}${url.search}`);
        void loadCourse();
      });
      return h('label', { for: id, class: 'segment' }, radio, p.label);
    }),
  );

  async function loadCourse(): Promise<void> {
    const days = daysFor(period);
    replaceChildren(periodStatus, 'Loading the course…');
    let trends: Trends;
    let checkins: CheckIn[];
    let sessions: TreatmentSession[];
    let instruments: Instrument[];
    try {
      [trends, sessions, instruments] = await Promise.all([app.api.patientTrends(pid, days), sessionsP, instrumentsP]);
      checkins = await app.api.patientCheckins(pid, trends.from, trends.to);
    } catch (error) {
      if (ctx.signal.aborted) return;
      replaceChildren(chartHost, loadError(error, 'The course'));
      periodStatus.textContent = '';
      return;
    }
    if (ctx.signal.aborted) return;
    const inPeriod = sessions.filter((s) => s.local_date >= trends.from && s.local_date <= trends.to);
    const bands: Partial<Record<'phq9' | 'gad7', InstrumentBand[]>> = {};
    for (const instrument of instruments) if (instrument.bands) bands[instrument.code] = instrument.bands;
    const chartSessions: ChartSession[] = inPeriod.map((s) => ({ id: s.id, local_date: s.local_date, lines: sessionLines(s) }));
    const { createCourseChart } = await import('../course-chart');
    if (ctx.signal.aborted) return;
    chart?.destroy();
    chartHost.replaceChildren();
    let rowsById = new Map<string, HTMLElement>();
    chart = createCourseChart(
      chartHost,
      { from: trends.from, to: trends.to, scales: trends.scales, sessions: chartSessions, questionnaires: trends.questionnaires, bands },
      {
        onSessionHover: (id) => {
          for (const [key, row] of rowsById) row.classList.toggle('is-active', id !== null && key === String(id));
        },
      },
    );
    replaceChildren(sessionsHost, sessionTable(inPeriod, pid, (id) => chart?.highlight(id)));
    rowsById = new Map([...sessionsHost.querySelectorAll<HTMLElement>('tr[data-session-id]')].map((row) => [row.dataset.sessionId ?? '', row]));
    periodStatus.textContent = `${formatDate(trends.from, { year: 'numeric' })} to ${formatDate(trends.to, { year: 'numeric' })}: ${checkins.length} check-ins, ${inPeriod.length} treatment sessions.`;
    const showAll = h('button', { type: 'button', class: 'button button-secondary button-small' }, `Show all ${checkins.length} check-ins`);
    showAll.addEventListener('click', () => replaceChildren(checkinsHost, checkinsTable(checkins, checkins.length)));
    replaceChildren(
      checkinsHost,
      checkins.length === 0 ? h('p', null, 'No check-ins in this period.') : checkinsTable(checkins, CHECKINS_SHOWN),
      checkins.length > CHECKINS_SHOWN ? showAll : null,
    );
  }

  const outcomesHost = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const durabilityHost = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const questionnairesHost = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const remindersHost = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const inviteHost = h('div');

  void Promise.all([outcomesP, sessionsP])
    .then(([outcomes, sessions]) => {
      replaceChildren(outcomesHost, outcomesSection(outcomes));
      replaceChildren(durabilityHost, durabilitySection(outcomes, new Set(sessions.map((s) => String(s.id)))));
    })
    .catch((error: unknown) => {
      replaceChildren(outcomesHost, loadError(error, 'Outcomes'));
      durabilityHost.replaceChildren();
    });
  void Promise.all([questionnairesP, instrumentsP]).then(
    ([responses, instruments]) => replaceChildren(questionnairesHost, questionnaireHistory(responses, instruments)),
    (error: unknown) => replaceChildren(questionnairesHost, loadError(error, 'The questionnaire history')),
  );
  void remindersP.then(
    (trail) => replaceChildren(remindersHost, remindersSection(trail)),
    (error: unknown) => replaceChildren(remindersHost, loadError(error, 'The reminder trail')),
  );
  void alertsP.then((alerts) => {
    if (alerts.length === 0) return;
    replaceChildren(
      alertsHost,
      message(
        alerts.some((a) => a.severity === 'urgent') ? 'error' : 'warning',
        h('p', null, h('strong', null, `${alerts.length} active alert${alerts.length === 1 ? '' : 's'}:`)),
        h(
          'ul',
          null,
          alerts.map((a) =>
            h('li', null, tag(humanise(a.severity), a.severity), ' ', a.summary, ' ', h('span', { class: 'small' }, `(raised ${formatDateTime(a.raised_at)}${a.acknowledged_at ? `, acknowledged by ${who(a.acknowledged_by_id, app.session.user()?.id, a.acknowledged_by_name ?? a.acknowledged_by_email)}` : ''})`)),
          ),
        ),
        h('p', null, h('a', { href: `/clinic/alerts?patient=${encodeURIComponent(pid)}` }, 'Handle these alerts')),
      ),
    );
  });

  if (!patient.enrolled) {
    const inviteButton = h('button', { type: 'button', class: 'button button-secondary' }, 'Create an invitation');
    inviteButton.addEventListener('click', () => {
      inviteButton.disabled = true;
      app.api
        .invite(pid)
        .then(async (invitation) => replaceChildren(inviteHost, await invitationCard(invitation)))
        .catch((error: unknown) => replaceChildren(inviteHost, loadError(error, 'The invitation')))
        .finally(() => {
          inviteButton.disabled = false;
        });
    });
    inviteHost.append(message('info', h('p', null, 'This patient has not joined the app yet.'), inviteButton));
  } else {
    inviteHost.append(devicesSection(app, pid, inviteHost));
  }

  void loadCourse();
  const saved = ctx.query.get('saved');
  append(page, [
    h('p', { class: 'breadcrumb' }, h('a', { href: '/clinic/' }, 'Patients')),
    h('h1', null, patient.display_name),
    h(
      'p',
      { class: 'lead' },
      [patient.external_id, patient.timezone, patient.enrolled_at ? `enrolled ${formatDateTime(patient.enrolled_at).replace(/,\s*\d{1,2}:\d{2}.*$/, '')}` : 'not enrolled'].filter(Boolean).join(' · '),
    ),
    saved ? message('success', saved === 'corrected' ? 'Correction saved. The earlier values are kept on the audit trail.' : 'Session recorded.') : null,
    alertsHost,
    inviteHost,
    h(
      'div',
      { class: 'button-row' },
      h('a', { class: 'button', href: `/clinic/patients/${encodeURIComponent(pid)}/sessions/new` }, 'Record a session'),
      h('a', { class: 'button button-secondary', href: `/clinic/patients/${encodeURIComponent(pid)}/summary` }, 'Since-last-visit summary'),
    ),
    h(
      'div',
      { class: 'patient-layout' },
      h(
        'section',
        { class: 'card course', 'aria-labelledby': `${group}-h` },
        h('h2', { id: `${group}-h` }, 'Course'),
        picker,
        periodStatus,
        h(
          'ul',
          { class: 'chart-key', 'aria-label': 'Chart key' },
          h('li', { class: 'key-value' }, 'Daily score'),
          h('li', { class: 'key-mean' }, '7-day mean'),
          h('li', { class: 'key-session' }, 'Treatment session (point at it for details)'),
        ),
        chartHost,
        sessionsHost,
      ),
      h(
        'aside',
        { class: 'patient-aside', 'aria-label': 'Outcomes and durability' },
        h('section', { class: 'card' }, h('h2', null, 'Outcomes'), outcomesHost),
        h('section', { class: 'card' }, h('h2', null, 'Durability per session'), durabilityHost),
      ),
    ),
    plannedVisitsSection(app, pid),
    h('section', { class: 'card' }, h('h2', null, 'Questionnaires'), questionnairesHost),
    h('section', { class: 'card' }, h('h2', null, 'Check-ins in this period'), checkinsHost),
    h('section', { class: 'card' }, h('h2', null, 'Reminders and push'), remindersHost),
    h('section', { class: 'card' }, h('h2', null, 'Export'), exportsSection(app, pid)),
  ]);
  return page;
}

/** Lost or new phone: sign the patient out everywhere, and a new-device invitation to come back. */
function devicesSection(app: ClinicApp, pid: string, host: HTMLElement): HTMLElement {
  const status = h('p', { role: 'status', class: 'small' });
  const signOut = h('button', { type: 'button', class: 'button button-secondary' }, 'Sign out all devices');
  let armed = false;
  signOut.addEventListener('click', () => {
    if (!armed) {
      armed = true;
      signOut.textContent = 'Confirm: sign out all devices';
      status.textContent = 'The patient will need a new-device invitation (or their email and password) to sign in again.';
      return;
    }
    signOut.disabled = true;
    app.api
      .signOutDevices(pid)
      .then((done) => {
        status.textContent = `Signed out: ${done.tokens} sign-in${done.tokens === 1 ? '' : 's'} ended, ${done.push_subscriptions} device${done.push_subscriptions === 1 ? '' : 's'} no longer reminded.`;
      })
      .catch((error: unknown) => replaceChildren(status, loadError(error, 'Signing out')))
      .finally(() => {
        armed = false;
        signOut.disabled = false;
        signOut.textContent = 'Sign out all devices';
      });
  });
  const invite = h('button', { type: 'button', class: 'button button-secondary' }, 'New-device invitation');
  invite.addEventListener('click', () => {
    invite.disabled = true;
    app.api
      .invite(pid)
      .then(async (invitation) => host.append(await invitationCard(invitation)))
      .catch((error: unknown) => replaceChildren(status, loadError(error, 'The invitation')))
      .finally(() => {
        invite.disabled = false;
      });
  });
  return h(
    'details',
    { class: 'card devices' },
    h('summary', null, 'Lost or new phone'),
    h('p', null, 'Sign the patient out on every device (their history stays), then give them a new-device invitation to sign in on the new phone.'),
    h('div', { class: 'button-row' }, signOut, invite),
    status,
  );
}
