/** The clinician app's shared state: one API client and the tab's session. */
import { createApiClient, type ApiClient } from '../shared/api';
import { createClinicSession, type ClinicSession } from './session';

export interface ClinicApp {
  api: ApiClient;
  session: ClinicSession;
  navigate(to: string, options?: { replace?: boolean }): void;
  signOut(reason?: 'idle' | 'expired'): Promise<void>;
}

export function createClinicApp(navigate: ClinicApp['navigate']): ClinicApp {
  const session = createClinicSession();
  const app: ClinicApp = {
    session,
    navigate,
    api: createApiClient({
      getToken: () => session.token(),
      onUnauthorized: () => {
        session.clear();
        navigate('/clinic/signin?reason=expired', { replace: true });
      },
    }),
    async signOut(reason) {
      if (session.signedIn()) {
        try {
          await app.api.logout();
        } catch {
          // The token is dropped here either way.
        }
      }
      session.clear();
      navigate(reason ? `/clinic/signin?reason=${reason}` : '/clinic/signin', { replace: true });
    },
  };
  return app;
}
