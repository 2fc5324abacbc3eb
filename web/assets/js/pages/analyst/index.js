// The dashboard (issue 11): analysts, and officers and supervisors for their own jurisdiction.
// app.js imports this module once.
import { addRoutes } from '../../router.js';
import './messages.js';
import { lazyPage } from '../staff/lazy.js';

// The page's module is fetched when it first opens (lazy.js).
const DashboardPage = lazyPage(() => import('./dashboard.js'), 'DashboardPage');

addRoutes([
  { path: '/dashboard', component: DashboardPage, roles: ['analyst', 'officer', 'supervisor'], title: 'dash.title', nav: { label: 'dash.nav', order: 20 } },
]);
