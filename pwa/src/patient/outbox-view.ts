/**
 * What waits in the outbox, shown on every screen: "1 check-in waiting to be
 * sent", and entries the server refused with its reason until dismissed.
 */
import { formatDate } from '../shared/dates';
import { h, replaceChildren } from '../shared/dom';
import type { OutboxEntry } from '../shared/outbox';
import { isIos, isStandalone } from '../shared/platform';
import type { PatientApp } from './app';

function describeEntry(entry: OutboxEntry): string {
  if (entry.kind === 'checkin') return `check-in for ${formatDate(entry.payload.local_date)}`;
  return entry.payload.instrument === 'phq9' ? 'PHQ-9 questionnaire' : 'GAD-7 questionnaire';
}

function pendingSummary(entries: OutboxEntry[]): string {
  const checkins = entries.filter((entry) => entry.kind === 'checkin').length;
  const questionnaires = entries.length - checkins;
  const parts: string[] = [];
  if (checkins > 0) parts.push(`${checkins} check-in${checkins === 1 ? '' : 's'}`);
  if (questionnaires > 0) parts.push(`${questionnaires} questionnaire${questionnaires === 1 ? '' : 's'}`);
  return `${parts.join(' and ')} waiting to be sent`;
}

export function mountOutboxView(app: PatientApp, region: HTMLElement): () => Promise<void> {
  async function render(all?: OutboxEntry[]): Promise<void> {
    const owner = app.session.owner();
    const entries = owner ? (all ?? (await app.outbox.list(owner))).filter((entry) => entry.owner === owner) : [];
    const pending = entries.filter((entry) => entry.state === 'pending');
    const refused = entries.filter((entry) => entry.state === 'refused');
    if (pending.length === 0 && refused.length === 0) {
      region.replaceChildren();
      return;
    }
    const sendNow = h('button', { type: 'button', class: 'button button-small' }, 'Send now');
    sendNow.addEventListener('click', () => {
      sendNow.disabled = true;
      void app.replayOutbox().finally(() => {
        sendNow.disabled = false;
      });
    });
    const lastError = pending.find((entry) => entry.last_error)?.last_error;
    replaceChildren(
      region,
      pending.length > 0
        ? h(
            'div',
            { class: 'outbox-pending', role: 'status' },
            h('p', null, h('strong', null, pendingSummary(pending)), '. ', 'Kept on this phone and sent automatically when you are online.'),
            lastError ? h('p', { class: 'field-hint' }, `Last try: ${lastError}`) : null,
            isIos() && !isStandalone()
              ? h('p', { class: 'field-hint' }, 'Tip: add this app to your Home Screen so Safari keeps unsent entries safe.')
              : null,
            app.session.signedIn() ? sendNow : h('a', { href: '/signin' }, 'Sign in to send'),
          )
        : null,
      refused.map((entry) => {
        const dismiss = h('button', { type: 'button', class: 'button button-small button-secondary' }, 'Dismiss');
        dismiss.addEventListener('click', () => void app.outbox.dismiss(entry.submit_id));
        // Not an alert: this list re-renders on every outbox change and must not be re-announced.
        return h(
          'div',
          { class: 'message message-error' },
          h('p', null, h('strong', null, `Your ${describeEntry(entry)} was not accepted.`), ' ', entry.refusal?.message ?? ''),
          dismiss,
        );
      }),
    );
  }

  app.outbox.subscribe((entries) => void render(entries));
  return () => render();
}
