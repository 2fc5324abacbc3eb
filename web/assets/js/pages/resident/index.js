// The resident's pages (issue 11): the eligibility check anyone can use, and, signed in as a
// resident, my registration, residence declaration, applications and the permit. The person
// is always "me" in the API (/api/v1/persons/me/...): no ID number in any route.
import { addRoutes } from '../../router.js';
import './messages.js';
import { CheckPage } from './check.js';
import { MePage } from './me.js';
import { ResidencePage } from './residence.js';
import { ApplyPage } from './apply.js';
import { ApplicationPage } from './application.js';
import './facts_messages.js';
import { FactsPage } from './facts.js';

const RESIDENT = ['resident'];
addRoutes([
  { path: '/check', component: CheckPage, roles: null, title: 'res.check.title', nav: { label: 'res.nav.check', order: 10 } },
  { path: '/me', component: MePage, roles: RESIDENT, title: 'res.me.title', nav: { label: 'res.nav.me', order: 20 } },
  { path: '/me/residence', component: ResidencePage, roles: RESIDENT, title: 'res.residence.title', nav: { label: 'res.nav.residence', order: 30 } },
  { path: '/me/apply', component: ApplyPage, roles: RESIDENT, title: 'res.apply.title', nav: { label: 'res.nav.apply', order: 40 } },
  { path: '/me/facts', component: FactsPage, roles: RESIDENT, title: 'res.facts.title', nav: { label: 'res.nav.facts', order: 35 } },
  { path: '/me/applications/:id', component: ApplicationPage, roles: RESIDENT, title: 'res.app.title.short' },
]);
