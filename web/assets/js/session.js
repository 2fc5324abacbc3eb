// Who is signed in, shared by every page through a context: the session as
// GET /api/v1/sessions/current gives it (name, role, jurisdiction, masked ID number), or null.
import { createContext, useContext } from './lib.js';

export const SessionContext = createContext({ session: null, refresh: async () => {}, signOut: async () => {} });

export function useSession() {
  return useContext(SessionContext);
}

// Where each role starts after signing in.
export const ROLE_HOME = {
  resident: '/me',
  officer: '/officer',
  supervisor: '/officer',
  analyst: '/dashboard',
  admin: '/admin',
};
