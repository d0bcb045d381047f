/**
 * "/clinic/patients/:id/summary?since=YYYY-MM-DD": the since-last-visit
 * summary for a follow-up evaluation, made to print on one or two A4/Letter
 * pages (clinic.css has the print rules). Without `since` the server starts at
 * the last treatment session.
 */
import { ApiError } from '../../shared/api';
import { formatDate, localDate } from '../../shared/dates';
import { h, message } from '../../shared/dom';
import type { RouteContext } from '../../shared/router';
import type { Instrument, Summary } from '../../shared/types';
import { INSTRUMENT_NAMES, sideEffectLabel } from '../../shared/vocab';
import type { ClinicApp } from '../app';
import {
  bloodPressure,
  DIRECTION_TEXT,
  difficultyText,
  durabilityText,
  formatDateTime,
  humanise,
  measureName,
  modalityLabel,
  OUTCOME_STATUS,
  percent,
  score,
  signed,
  who,
} from '../format';
import { dataTable, inputField, loadError } from '../ui';

const day = (date: string) => formatDate(date, { year: 'numeric', weekday: undefined });

function improvementWords(value: number | null): string {
  if (value === null) return '—';
  if (Math.abs(value) < 0.05) return 'no change';
  return `${signed(value)} (${value > 0 ? 'better' : 'worse'})`;
}

function summaryBody(summary: Summary, instruments: Instrument[], me: number | string | undefined): HTMLElement {
  const section = (title: string, ...children: (Node | null)[]) => h('section', { class: 'summary-section' }, h('h2', null, title), ...children);
  const sessions = summary.sessions;
  return h(
    'div',
    { class: 'summary-body' },
    section(
      'Adherence',
      h('p', null, `${summary.adherence.checkins} check-ins on ${summary.adherence.days} days (${percent(summary.adherence.rate)}).`, summary.late_entries ? ` ${summary.late_entries} entered late.` : ''),
    ),
    section(
      `Treatment sessions (${sessions.length})`,
      sessions.length === 0
        ? h('p', null, 'None in this period.')
        : dataTable(
            'Treatment sessions',
            ['Date', 'Modality, phase', 'Dose', 'BP pre / peak / discharge', 'Dissociation', 'Side effects'],
            sessions.map((s) => [
              day(s.local_date),
              `${modalityLabel(s.modality)}, ${s.phase}`,
              `${score(s.dose_mg)} mg${s.dose_mg_per_kg ? ` (${score(s.dose_mg_per_kg, 2)} mg/kg)` : ''}`,
              `${bloodPressure(s.bp_pre_systolic, s.bp_pre_diastolic)} / ${bloodPressure(s.bp_peak_systolic, s.bp_peak_diastolic)} / ${bloodPressure(s.bp_discharge_systolic, s.bp_discharge_diastolic)}`,
              s.dissociation_score === null || s.dissociation_score === undefined ? '—' : `${s.dissociation_score} ${s.dissociation_scale ?? ''}`.trim(),
              (s.side_effects ?? []).map((e) => `${sideEffectLabel(e.name)} (${e.severity})`).join(', ') || 'None',
            ]),
          ),
    ),
    section(
      'Daily scores: mean before and after the start of this period',
      dataTable(
        'Daily scores before and after',
        ['Scale', 'Direction', 'Before', 'Since', 'Change'],
        summary.daily.map((d) => [d.label, DIRECTION_TEXT[d.direction] ?? d.direction, score(d.before_mean), score(d.after_mean), improvementWords(d.improvement)]),
      ),
    ),
    section(
      'Questionnaires',
      summary.questionnaires.length === 0
        ? h('p', null, 'None answered in this period.')
        : dataTable(
            'Questionnaires',
            ['Date', 'Questionnaire', 'Total', 'Band', 'Item 9', 'Difficulty'],
            summary.questionnaires.map((q) => [
              day(q.local_date ?? q.submitted_at.slice(0, 10)),
              INSTRUMENT_NAMES[q.instrument] ?? q.instrument,
              String(q.total),
              humanise(q.severity),
              q.instrument === 'phq9' ? ((q.answers[8] ?? 0) > 0 ? `Yes (${q.answers[8]})` : 'No') : 'n/a',
              difficultyText(instruments, q),
            ]),
          ),
    ),
    section(
      'Outcomes against baseline',
      dataTable(
        'Outcomes',
        ['Measure', 'Baseline', 'Latest', 'Improvement (positive is better)', 'Status'],
        summary.outcomes.map((m) => [
          measureName(m.measure),
          score(m.baseline),
          score(m.latest),
          m.percent_change === null ? signed(m.improvement) : `${signed(m.improvement)} (${score(m.percent_change, 0)}% better)`,
          `${OUTCOME_STATUS[m.status] ?? humanise(m.status)}${m.remission ? ', remission' : ''}`,
        ]),
      ),
    ),
    summary.durability.length > 0
      ? section(
          'Durability of the sessions',
          dataTable(
            'Durability',
            ['Session', 'Durability'],
            summary.durability.map((s) => [
              day(s.local_date),
              Object.entries(s.durability)
                .map(([scale, d]) => `${humanise(scale)}: ${durabilityText(d.status, d.days, d.reason)}`)
                .join('; '),
            ]),
          ),
        )
      : null,
    section(
      'Alerts and how they were handled',
      summary.alerts.length === 0
        ? h('p', null, 'No alerts in this period.')
        : dataTable(
            'Alerts',
            ['Raised', 'Alert', 'Handling'],
            summary.alerts.map((a) => [
              formatDateTime(a.raised_at),
              `${a.severity === a.kind ? humanise(a.kind) : `${humanise(a.severity)} ${humanise(a.kind).toLowerCase()}`}: ${a.summary}`,
              [
                a.acknowledged_at ? `Acknowledged ${formatDateTime(a.acknowledged_at)} by ${who(a.acknowledged_by_id, me, a.acknowledged_by_name ?? a.acknowledged_by_email)}.` : 'Not acknowledged.',
                a.resolved_at ? `Resolved ${formatDateTime(a.resolved_at)} by ${who(a.resolved_by_id, me, a.resolved_by_name ?? a.resolved_by_email)}: ${a.resolution_note ?? ''}` : 'Still open.',
              ].join(' '),
            ]),
          ),
    ),
    section(
      'Side effects reported',
      summary.side_effects.length === 0
        ? h('p', null, 'None.')
        : h('p', null, summary.side_effects.map((e) => `${sideEffectLabel(e.name)} (${e.severity}) ×${e.count}`).join('; '), '.'),
    ),
    section(
      'Patient notes',
      summary.notes.length === 0 ? h('p', null, 'None.') : h('ul', null, summary.notes.map((n) => h('li', null, h('strong', null, `${day(n.local_date)}: `), n.note))),
    ),
  );
}

export async function renderSummary(app: ClinicApp, ctx: RouteContext): Promise<Node> {
  const pid = ctx.params.id ?? '';
  const since = ctx.query.get('since') ?? undefined;
  const page = h('section', { class: 'page page-wide summary-page' });
  let summary: Summary;
  // Only to word the difficulty answers; the summary stands without them.
  const instrumentsP = app.api.instruments().catch(() => [] as Instrument[]);
  try {
    summary = await app.api.summary(pid, since);
  } catch (error) {
    page.append(
      h('p', { class: 'breadcrumb no-print' }, h('a', { href: '/clinic/' }, 'Patients'), ' › ', h('a', { href: `/clinic/patients/${encodeURIComponent(pid)}` }, 'Patient')),
      h('h1', null, 'Since-last-visit summary'),
      error instanceof ApiError && error.isNotFound && since === undefined ? message('info', 'The summary is not available on this server yet.') : loadError(error, 'The summary'),
      since ? h('p', null, h('a', { href: `/clinic/patients/${encodeURIComponent(pid)}/summary` }, 'Show the summary since the last session instead')) : '',
    );
    return page;
  }
  const patient = summary.patient;
  const sinceField = inputField({ label: 'Since', name: 'since', type: 'date', value: summary.since, max: undefined, hint: 'The day of the last visit.' });
  sinceField.control.setAttribute('max', localDate(patient.timezone));
  const show = h('button', { type: 'submit', class: 'button button-secondary' }, 'Show');
  const print = h('button', { type: 'button', class: 'button' }, 'Print');
  print.addEventListener('click', () => window.print());
  const form = h('form', { class: 'toolbar no-print', novalidate: true }, sinceField.wrapper, show, print);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = sinceField.control.value;
    app.navigate(`/clinic/patients/${encodeURIComponent(pid)}/summary${value ? `?since=${value}` : ''}`, { replace: true });
  });

  page.append(
    h('p', { class: 'breadcrumb no-print' }, h('a', { href: '/clinic/' }, 'Patients'), ' › ', h('a', { href: `/clinic/patients/${encodeURIComponent(pid)}` }, patient.display_name)),
    form,
    h('h1', null, `Since last visit: ${patient.display_name}`),
    h(
      'p',
      { class: 'lead summary-meta' },
      [patient.external_id, `${day(summary.since)} to ${day(summary.until)}`, `printed ${formatDateTime(new Date().toISOString())}`].filter(Boolean).join(' · '),
    ),
    summaryBody(summary, await instrumentsP, app.session.user()?.id),
  );
  return page;
}
