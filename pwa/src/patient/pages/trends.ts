/**
 * "/trends": the three daily scales over 7, 30 or 90 days with their 7-day
 * means and treatment sessions marked, then the questionnaire history. The
 * chart library loads only here.
 */
import { ApiError } from '../../shared/api';
import { formatDate } from '../../shared/dates';
import { h, message, replaceChildren, uid } from '../../shared/dom';
import type { QuestionnaireResponse, TrendQuestionnaire, TrendScale, Trends } from '../../shared/types';
import { INSTRUMENT_NAMES } from '../../shared/vocab';
import type { RouteContext } from '../../shared/router';
import type { PatientApp } from '../app';

const PERIODS = [7, 30, 90] as const;

function describeScale(scale: TrendScale, sessionCount: number, days: number): string {
  const recorded = scale.points.filter((point) => point.value !== null);
  const last = recorded.at(-1);
  const lastMean = [...scale.points].reverse().find((point) => point.mean_7d !== null)?.mean_7d;
  const direction = scale.direction === 'higher_is_better' ? 'higher is better' : 'higher is worse';
  const parts = [`${scale.label} over the last ${days} days (${direction}).`];
  if (last) parts.push(`Latest ${last.value} on ${formatDate(last.local_date)}.`);
  if (lastMean !== undefined && lastMean !== null) parts.push(`7-day mean ${lastMean.toFixed(1)}.`);
  parts.push(`${recorded.length} check-ins, ${sessionCount} treatment sessions.`);
  return parts.join(' ');
}

function numbersTable(scale: TrendScale): HTMLElement {
  return h(
    'details',
    { class: 'numbers' },
    h('summary', null, `Show ${scale.label.toLowerCase()} as numbers`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        null,
        h('caption', { class: 'visually-hidden' }, `${scale.label} by day`),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col' }, 'Score'), h('th', { scope: 'col' }, '7-day mean'))),
        h(
          'tbody',
          null,
          [...scale.points].reverse().map((point) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, formatDate(point.local_date)),
              h('td', null, point.value === null ? '–' : String(point.value)),
              h('td', null, point.mean_7d === null ? '–' : point.mean_7d.toFixed(1)),
            ),
          ),
        ),
      ),
    ),
  );
}

interface HistoryRow {
  date: string;
  instrument: string;
  total: number;
  severity: string;
}

function historyTable(rows: HistoryRow[]): HTMLElement {
  if (rows.length === 0) return h('p', null, 'No questionnaires yet.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Questionnaire history'),
      h(
        'thead',
        null,
        h('tr', null, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col' }, 'Questionnaire'), h('th', { scope: 'col' }, 'Total'), h('th', { scope: 'col' }, 'Severity')),
      ),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, formatDate(row.date, { year: 'numeric' })),
            h('td', null, INSTRUMENT_NAMES[row.instrument] ?? row.instrument),
            h('td', null, String(row.total)),
            h('td', null, row.severity.replace(/_/g, ' ')),
          ),
        ),
      ),
    ),
  );
}

function historyFrom(responses: QuestionnaireResponse[] | null, fallback: TrendQuestionnaire[]): HistoryRow[] {
  const rows: HistoryRow[] = responses
    ? responses.map((r) => ({ date: r.local_date ?? r.submitted_at.slice(0, 10), instrument: r.instrument, total: r.total, severity: r.severity }))
    : fallback.map((q) => ({ date: q.local_date, instrument: q.instrument, total: q.total, severity: q.severity }));
  return rows.sort((a, b) => b.date.localeCompare(a.date));
}

export async function renderTrends(app: PatientApp, ctx: RouteContext): Promise<Node> {
  const requested = Number(ctx.query.get('days'));
  let days: number = (PERIODS as readonly number[]).includes(requested) ? requested : 30;
  const body = h('div', { class: 'trends-body' });
  const history = h('div', { class: 'history' });
  const destroyers: (() => void)[] = [];
  ctx.signal.addEventListener('abort', () => destroyers.forEach((destroy) => destroy()));

  const groupName = uid('period');
  const periodPicker = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', null, 'Period'),
    PERIODS.map((period) => {
      const id = `${groupName}-${period}`;
      const radio = h('input', { type: 'radio', name: groupName, id, value: period, checked: period === days });
      radio.addEventListener('change', () => {
        days = period;
        history.replaceChildren();
        void load();
      });
      return h('label', { for: id, class: 'segment' }, radio, `${period} days`);
    }),
  );

  async function load(): Promise<void> {
    replaceChildren(body, h('p', null, 'Loading your trends…'));
    let trends: Trends;
    try {
      trends = await app.api.trends(days);
    } catch (error) {
      const text =
        error instanceof ApiError && error.isNotFound
          ? 'Trends are not available yet.'
          : error instanceof ApiError && error.isOffline
            ? 'Trends need a connection. Your check-ins are safe on this phone.'
            : 'Your trends could not be loaded. Please try again later.';
      replaceChildren(body, message('info', text));
      return;
    }
    if (ctx.signal.aborted) return;
    destroyers.splice(0).forEach((destroy) => destroy());
    const { createTrendChart } = await import('../../shared/trend-chart');
    const sections = trends.scales.map((scale) => {
      const chartHost = h('div', {
        class: 'trend-chart',
        role: 'img',
        'aria-label': describeScale(scale, trends.sessions.length, days),
      });
      return {
        scale,
        chartHost,
        section: h(
          'section',
          { class: 'card trend' },
          h('h2', null, scale.label),
          h('p', { class: 'field-hint' }, scale.direction === 'higher_is_better' ? 'Higher is better' : 'Higher is worse'),
          chartHost,
          numbersTable(scale),
        ),
      };
    });
    replaceChildren(
      body,
      h(
        'ul',
        { class: 'chart-key', 'aria-label': 'Chart key' },
        h('li', { class: 'key-value' }, 'Daily score'),
        h('li', { class: 'key-mean' }, '7-day mean'),
        h('li', { class: 'key-session' }, 'Treatment session'),
      ),
      trends.sessions.length > 0
        ? h(
            'p',
            null,
            `Treatment sessions: ${trends.sessions.map((session) => formatDate(session.local_date)).join(', ')}.`,
          )
        : h('p', null, 'No treatment sessions in this period.'),
      sections.map((item) => item.section),
    );
    for (const item of sections) {
      const chart = createTrendChart(item.chartHost, { scale: item.scale, sessions: trends.sessions });
      destroyers.push(() => chart.destroy());
    }

    let responses: QuestionnaireResponse[] | null = null;
    try {
      responses = await app.api.questionnaireResponses();
    } catch {
      responses = null;
    }
    replaceChildren(history, h('h2', null, 'Questionnaires'), historyTable(historyFrom(responses, trends.questionnaires)));
  }

  void load();
  return h(
    'section',
    { class: 'page' },
    h('h1', null, 'My trends'),
    periodPicker,
    body,
    h('section', { class: 'card' }, history),
  );
}
