// Residents' own accounts through activation codes (issue 16; docs/http.md "Activation codes"):
// the public page where a resident makes their account with the code an officer handed them,
// and the officers' page that issues one. app.js imports this module once.
import { addRoutes } from '../../router.js';
import './messages.js';
import { lazyPage } from '../staff/lazy.js';

const ActivatePage = lazyPage(() => import('./activate.js'), 'ActivatePage');
const IssuePage = lazyPage(() => import('./issue.js'), 'IssuePage');

addRoutes([
  { path: '/activate', component: ActivatePage, roles: null, title: 'activate.title', nav: { label: 'activate.nav', order: 80, signedOutOnly: true } },
  { path: '/activation-codes', component: IssuePage, roles: ['officer', 'supervisor'], title: 'activation.title', nav: { label: 'activation.nav', order: 60 } },
]);
