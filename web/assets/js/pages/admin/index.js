// The admin's pages (issue 11): accounts. app.js imports this module once.
import { addRoutes } from '../../router.js';
import './messages.js';
import { AccountsPage } from './accounts.js';

addRoutes([{ path: '/admin', component: AccountsPage, roles: ['admin'], title: 'admin.title', nav: { label: 'admin.nav', order: 30 } }]);
