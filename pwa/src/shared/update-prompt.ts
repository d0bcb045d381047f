/**
 * Registers the service worker (no inline script: this module is part of the
 * bundle) and, when a new version is waiting, asks before switching to it.
 * It never reloads by itself, and asks again when a form has unsent answers.
 */
import { registerSW } from 'virtual:pwa-register';
import { h, replaceChildren } from './dom';
import { hasUnsavedChanges } from './dirty';

/** How often a long-open app looks for a new version. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function startServiceWorker(region: HTMLElement): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  let applyUpdate: ((reload?: boolean) => Promise<void>) | null = null;

  function hide(): void {
    region.hidden = true;
    region.replaceChildren();
  }

  function show(askAboutForm: boolean): void {
    const update = h('button', { type: 'button', class: 'button' }, askAboutForm ? 'Update anyway' : 'Update');
    const later = h('button', { type: 'button', class: 'button button-secondary' }, 'Later');
    update.addEventListener('click', () => {
      if (!askAboutForm && hasUnsavedChanges()) {
        show(true);
        return;
      }
      update.disabled = true;
      // Posts SKIP_WAITING to the waiting worker, then reloads once it controls the page.
      void applyUpdate?.(true);
    });
    later.addEventListener('click', hide);
    replaceChildren(
      region,
      h(
        'p',
        null,
        h('strong', null, 'A new version is ready.'),
        ' ',
        askAboutForm
          ? 'You have answers on this screen that are not submitted yet. Updating now reloads the page and clears them.'
          : 'Update to get it now.',
      ),
      h('div', { class: 'button-row' }, update, later),
    );
    region.hidden = false;
    // Focus moves only when the patient is already talking to the prompt, never mid-form.
    if (askAboutForm) update.focus();
  }

  applyUpdate = registerSW({
    immediate: true,
    onNeedRefresh: () => show(false),
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
    onRegisterError(error: unknown) {
      console.warn('Service worker registration failed', error);
    },
  });
}
