// The officer's workbench (issue 11): the queue, one application, residence registrations,
// households, births and deaths; for officers and supervisors. app.js imports this module once.
import { addRoutes } from '../../router.js';
import './messages.js';
import { QueuePage } from './queue.js';
import { ApplicationPage } from './application.js';
import { HouseholdsPage, HouseholdPage } from './households.js';
import { ResidencePage, BirthsDeathsPage } from './registrations.js';

const OFFICERS = ['officer', 'supervisor'];
// Only the queue and its applications live under /officer: the header marks a nav entry as
// current for every path under it, so the other pages have paths of their own.
addRoutes([
  { path: '/officer', component: QueuePage, roles: OFFICERS, title: 'officer.queue.title', nav: { label: 'officer.nav.queue', order: 10 } },
  { path: '/officer/applications/:id', component: ApplicationPage, roles: OFFICERS, title: 'officer.app.page_title' },
  { path: '/residence-registrations', component: ResidencePage, roles: OFFICERS, title: 'officer.res.title', nav: { label: 'officer.nav.residence', order: 11 } },
  { path: '/households', component: HouseholdsPage, roles: OFFICERS, title: 'officer.hh.title', nav: { label: 'officer.nav.households', order: 12 } },
  { path: '/households/:number', component: HouseholdPage, roles: OFFICERS, title: 'officer.hh.page_title' },
  { path: '/births-deaths', component: BirthsDeathsPage, roles: OFFICERS, title: 'officer.bd.title', nav: { label: 'officer.nav.bd', order: 13 } },
]);
