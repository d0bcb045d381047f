/**
 * Crisis resources: a "Crisis help" button on every screen (one tap), and the
 * same dialog opened at once when a check-in or PHQ-9 carries a safety signal.
 * Works offline: the national lines are built in, the clinic's phone comes
 * from the cached profile.
 */
import { h, replaceChildren } from './dom';
import { crisisResources } from './safety';
import type { Clinic, CrisisResource } from './types';

export interface CrisisOpenOptions {
  /** True when the patient just reported a safety signal (changes the wording, not the links). */
  signal?: boolean;
  /** Extra resources the server sent with its answer. */
  fromServer?: readonly CrisisResource[];
}

export interface CrisisHelp {
  button: HTMLButtonElement;
  open(options?: CrisisOpenOptions): void;
}

function linkText(resource: CrisisResource): { action: string; detail: string } {
  const verb = resource.href.toLowerCase().startsWith('sms:') ? 'Text' : 'Call';
  return { action: `${verb} ${resource.phone}`, detail: resource.name };
}

export function createCrisisHelp(getClinic: () => Clinic | null | undefined): CrisisHelp {
  const titleId = 'crisis-title';
  const body = h('div', { class: 'crisis-body' });
  const close = h('button', { type: 'button', class: 'button button-secondary' }, 'Close');
  const dialog = h(
    'dialog',
    { class: 'crisis-dialog', 'aria-labelledby': titleId },
    body,
    h('div', { class: 'crisis-actions' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });

  function open(options: CrisisOpenOptions = {}): void {
    const resources = crisisResources(getClinic() ?? null, options.fromServer ?? []);
    const heading = options.signal ? 'You are not alone. Help is available now.' : 'Crisis help';
    replaceChildren(
      body,
      h('h2', { id: titleId }, heading),
      options.signal
        ? h(
            'p',
            null,
            'Thank you for telling us. Your care team will see your answer, but they may not see it right away.',
          )
        : null,
      h('p', { class: 'crisis-urgent' }, 'If you are in danger or might act on these thoughts, call 911 now.'),
      h(
        'p',
        null,
        'The 988 Suicide & Crisis Lifeline is free, confidential and open 24 hours a day. You can call or text.',
      ),
      h(
        'ul',
        { class: 'crisis-list' },
        resources.map((resource) => {
          const text = linkText(resource);
          return h(
            'li',
            null,
            h(
              'a',
              { class: 'crisis-link', href: resource.href },
              h('span', { class: 'crisis-link-action' }, text.action),
              h('span', { class: 'crisis-link-detail' }, text.detail),
            ),
          );
        }),
      ),
    );
    if (!dialog.isConnected) document.body.append(dialog);
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('.crisis-link')?.focus();
  }

  const button = h('button', { type: 'button', class: 'crisis-button' }, 'Crisis help');
  button.addEventListener('click', () => open());
  return { button, open };
}
