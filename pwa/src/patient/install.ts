/** The browser's install prompt (Chromium), kept until the patient asks for it. */
import { h } from '../shared/dom';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let deferred: BeforeInstallPromptEvent | null = null;

export function captureInstallPrompt(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    deferred = event as BeforeInstallPromptEvent;
  });
  window.addEventListener('appinstalled', () => {
    deferred = null;
  });
}

/** An "Install app" button when the browser offers installation, else nothing. */
export function installPrompt(): HTMLButtonElement | null {
  if (!deferred) return null;
  const button = h('button', { type: 'button', class: 'button button-secondary' }, 'Install app');
  button.addEventListener('click', async () => {
    const event = deferred;
    if (!event) return;
    deferred = null;
    await event.prompt();
    button.remove();
  });
  return button;
}
