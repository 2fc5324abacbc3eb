// The admin's pages (issue 11): accounts. app.js imports this module once.
import { addRoutes } from '../../router.js';
import './messages.js';
import { lazyPage } from '../staff/lazy.js';

// The page's module is fetched when it first opens (lazy.js).
const AccountsPage = lazyPage(() => import('./accounts.js'), 'AccountsPage');

addRoutes([{ path: '/admin', component: AccountsPage, roles: ['admin'], title: 'admin.title', nav: { label: 'admin.nav', order: 30 } }]);
