/**
 * "/clinic/alerts": the safety-alert inbox. Acknowledge (someone is on it),
 * then resolve with a note saying what was done; each alert shows who did
 * what and when. `?status=` picks the list, `?patient=` one patient.
 */
import { focusTarget, h, message, replaceChildren, uid } from '../../shared/dom';
import { whileBusy } from '../../shared/forms';
import type { RouteContext } from '../../shared/router';
import type { Alert } from '../../shared/types';
import type { ClinicApp } from '../app';
import { formatDateTime, humanise, who } from '../format';
import { loadError, setError, showServerProblem, tag, textareaField } from '../ui';

const STATUSES = [
  { value: 'active', label: 'Active (open or acknowledged)' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
] as const;

type StatusFilter = (typeof STATUSES)[number]['value'];

const STATUS_KIND: Record<string, string> = { open: 'urgent', acknowledged: 'medium', resolved: 'good' };

function historyLines(alert: Alert, me: number | string | undefined): HTMLElement {
  return h(
    'ul',
    { class: 'alert-history' },
    h('li', null, `Raised ${formatDateTime(alert.raised_at)}`),
    alert.acknowledged_at ? h('li', null, `Acknowledged by ${who(alert.acknowledged_by_id, me, alert.acknowledged_by_name ?? alert.acknowledged_by_email)} on ${formatDateTime(alert.acknowledged_at)}`, alert.acknowledgment_note ? h('q', { class: 'resolution-note' }, alert.acknowledgment_note) : null) : null,
    alert.resolved_at
      ? h('li', null, `Resolved by ${who(alert.resolved_by_id, me, alert.resolved_by_name ?? alert.resolved_by_email)} on ${formatDateTime(alert.resolved_at)}`, alert.resolution_note ? h('q', { class: 'resolution-note' }, alert.resolution_note) : null)
      : null,
  );
}

function alertCard(app: ClinicApp, alert: Alert, onChanged: (updated: Alert, text: string) => void): HTMLElement {
  const me = app.session.user()?.id;
  const headingId = uid('alert');
  const card = h(
    'article',
    { class: `card alert-card alert-${alert.severity}`, 'aria-labelledby': headingId, 'data-alert-id': String(alert.id) },
    h(
      'h2',
      { id: headingId, class: 'alert-title' },
      tag(humanise(alert.severity), alert.severity),
      ' ',
      humanise(alert.kind),
      ': ',
      h('a', { href: `/clinic/patients/${alert.patient_id}` }, alert.patient_name || `Patient ${alert.patient_id}`),
      ' ',
      tag(humanise(alert.status), STATUS_KIND[alert.status] ?? 'neutral'),
    ),
    h('p', { class: 'alert-summary' }, alert.summary),
    historyLines(alert, me),
  );
  if (alert.status === 'resolved') return card;

  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const actions = h('div', { class: 'alert-actions' });
  if (alert.status === 'open') {
    const ackNote = textareaField({ label: 'Acknowledgment note (optional)', name: 'note', hint: 'What you are doing about it, e.g. “Called, left a voicemail”.', rows: 1, maxlength: 2000 });
    const acknowledge = h('button', { type: 'button', class: 'button button-secondary' }, 'Acknowledge');
    acknowledge.addEventListener('click', () => {
      void whileBusy(acknowledge, 'Acknowledging…', async () => {
        try {
          const updated = await app.api.acknowledgeAlert(alert.id, ackNote.control.value.trim() || undefined);
          onChanged(updated, `Alert acknowledged: ${humanise(alert.kind)} for ${alert.patient_name}.`);
        } catch (error) {
          showServerProblem(error, [ackNote], errors);
        }
      });
    });
    actions.append(ackNote.wrapper, h('div', { class: 'button-row' }, acknowledge));
  }
  const note = textareaField({ label: 'Resolution note', name: 'note', hint: 'What was done (required to resolve).', rows: 2, maxlength: 2000 });
  const resolve = h('button', { type: 'submit', class: 'button' }, 'Resolve');
  const form = h('form', { class: 'resolve-form', novalidate: true }, note.wrapper, h('div', { class: 'button-row' }, resolve));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = note.control.value.trim();
    if (!text) {
      setError(note, 'Write what was done before resolving: the note is required.');
      replaceChildren(errors, message('error', 'The alert was not resolved: a resolution note is required.'));
      note.control.focus();
      return;
    }
    setError(note, null);
    void whileBusy(resolve, 'Resolving…', async () => {
      try {
        const updated = await app.api.resolveAlert(alert.id, text);
        onChanged(updated, `Alert resolved: ${humanise(alert.kind)} for ${alert.patient_name}.`);
      } catch (error) {
        showServerProblem(error, [note], errors);
      }
    });
  });
  actions.append(form, errors);
  card.append(actions);
  return card;
}

export async function renderAlerts(app: ClinicApp, ctx: RouteContext): Promise<Node> {
  const requested = ctx.query.get('status') as StatusFilter | null;
  const status: StatusFilter = STATUSES.some((s) => s.value === requested) ? (requested as StatusFilter) : 'active';
  const patient = ctx.query.get('patient') ?? undefined;
  const page = h('section', { class: 'page page-wide' }, h('h1', null, 'Alerts'));
  const announce = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const filterId = uid('status');
  const select = h('select', { id: filterId, name: 'status' }, STATUSES.map((s) => h('option', { value: s.value }, s.label)));
  select.value = status;
  select.addEventListener('change', () => {
    const query = new URLSearchParams({ status: select.value });
    if (patient) query.set('patient', patient);
    app.navigate(`/clinic/alerts?${query}`, { replace: true });
  });
  page.append(
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: filterId }, 'Show'), select),
      patient ? h('p', { class: 'toolbar-end' }, 'One patient only. ', h('a', { href: `/clinic/alerts?status=${status}` }, 'Show every patient')) : null,
    ),
    announce,
  );

  let alerts: Alert[];
  try {
    alerts = await app.api.alerts(status, patient);
  } catch (error) {
    page.append(loadError(error, 'The alert inbox'));
    return page;
  }
  const list = h('div', { class: 'alert-list' });
  if (alerts.length === 0) {
    list.append(message('success', status === 'resolved' ? 'No resolved alerts.' : 'No alerts need attention.'));
  }
  const replace = (card: HTMLElement, updated: Alert, text: string) => {
    const next = alertCard(app, updated, (again, t) => replace(next, again, t));
    card.replaceWith(next);
    announce.textContent = text;
    const field = next.querySelector<HTMLElement>('textarea');
    if (field) field.focus();
    else focusTarget(next.querySelector<HTMLElement>('.alert-title'));
  };
  for (const alert of alerts) {
    const card: HTMLElement = alertCard(app, alert, (updated, text) => replace(card, updated, text));
    list.append(card);
  }
  page.append(list);
  return page;
}
