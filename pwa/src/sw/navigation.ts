/**
 * Offline navigation: any route of the patient app opens /index.html from
 * the precache, any /clinic/ route opens /clinic/index.html. /api/ is never
 * answered from here, so API calls and their errors stay real.
 */
import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

export const API_PATH = /^\/api\//;
export const CLINIC_PATH = /^\/clinic(\/|$)/;
/** Files that are not app routes (a typed URL of an asset must not get the shell). */
const FILE_PATH = /\/[^/?]+\.[a-z0-9]+$/i;

export function routeNavigations(): void {
  registerRoute(
    new NavigationRoute(createHandlerBoundToURL('/clinic/index.html'), {
      allowlist: [CLINIC_PATH],
      denylist: [API_PATH, FILE_PATH],
    }),
  );
  registerRoute(
    new NavigationRoute(createHandlerBoundToURL('/index.html'), {
      denylist: [API_PATH, CLINIC_PATH, FILE_PATH],
    }),
  );
}
