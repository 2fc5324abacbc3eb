// The resident's pages (issue 11): the eligibility check anyone can use, and, signed in as a
// resident, my registration, residence declaration, applications and the permit. The person
// is always "me" in the API (/api/v1/persons/me/...): no ID number in any route.
import { addRoutes } from '../../router.js';
import './messages.js';
import { CheckPage } from './check.js';

addRoutes([{ path: '/check', component: CheckPage, roles: null, title: 'res.check.title', nav: { label: 'res.nav.check', order: 10 } }]);
