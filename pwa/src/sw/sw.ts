/**
 * The service worker's entry: it only wires events to the small modules
 * beside it. Nothing under /api/ is routed, so no API answer is ever cached.
 */
import { clientsClaim } from 'workbox-core';
import { precacheShell } from './precache';
import { routeNavigations } from './navigation';
import { openFromNotification, showPushNotification } from './notifications';
import { handleMessage } from './update';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null } | string> };

// The first install controls the open page at once, so it works offline without a reload.
// Updates still wait for the patient's tap (SKIP_WAITING): claiming happens only on activation.
clientsClaim();
precacheShell(self.__WB_MANIFEST);
routeNavigations();

self.addEventListener('push', (event) => event.waitUntil(showPushNotification(self.registration, event.data)));
self.addEventListener('notificationclick', (event) => event.waitUntil(openFromNotification(self, event)));
self.addEventListener('message', (event) => handleMessage(self, event));
