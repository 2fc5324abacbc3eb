// The officer's workbench (issue 11): the queue, one application, residence registrations,
// households, births and deaths; for officers and supervisors. app.js imports this module once;
// each page's module is fetched when the page first opens (lazy.js).
import { addRoutes } from '../../router.js';
import './messages.js';
import './facts_messages.js';
import { lazyPage } from '../staff/lazy.js';

const QueuePage = lazyPage(() => import('./queue.js'), 'QueuePage');
const ApplicationPage = lazyPage(() => import('./application.js'), 'ApplicationPage');
const HouseholdsPage = lazyPage(() => import('./households.js'), 'HouseholdsPage');
const HouseholdPage = lazyPage(() => import('./households.js'), 'HouseholdPage');
const ResidencePage = lazyPage(() => import('./registrations.js'), 'ResidencePage');
const BirthsDeathsPage = lazyPage(() => import('./births_deaths.js'), 'BirthsDeathsPage');
const DeclarationsPage = lazyPage(() => import('./facts.js'), 'DeclarationsPage');
const WaitingPage = lazyPage(() => import('./facts_waiting.js'), 'WaitingPage');
const WaitingEntryPage = lazyPage(() => import('./facts_waiting.js'), 'WaitingEntryPage');

const OFFICERS = ['officer', 'supervisor'];
// Only the queue and its applications live under /officer: the header marks a nav entry as
// current for every path under it, so the other pages have paths of their own.
addRoutes([
  { path: '/officer', component: QueuePage, roles: OFFICERS, title: 'officer.queue.title', nav: { label: 'officer.nav.queue', order: 10 } },
  { path: '/officer/applications/:id', component: ApplicationPage, roles: OFFICERS, title: 'officer.app.page_title' },
  { path: '/residence-registrations', component: ResidencePage, roles: OFFICERS, title: 'officer.res.title', nav: { label: 'officer.nav.residence', order: 11 } },
  { path: '/households', component: HouseholdsPage, roles: OFFICERS, title: 'officer.hh.title', nav: { label: 'officer.nav.households', order: 12 } },
  { path: '/households/:number', component: HouseholdPage, roles: OFFICERS, title: 'officer.hh.page_title' },
  { path: '/declarations', component: DeclarationsPage, roles: OFFICERS, title: 'officer.facts.title', nav: { label: 'officer.nav.facts', order: 14 } },
  { path: '/declarations-waiting', component: WaitingPage, roles: OFFICERS, title: 'officer.wl.title', nav: { label: 'officer.nav.waiting', order: 15 } },
  { path: '/declarations-waiting/:entry', component: WaitingEntryPage, roles: OFFICERS, title: 'officer.wl.page_title' },
  { path: '/births-deaths', component: BirthsDeathsPage, roles: OFFICERS, title: 'officer.bd.title', nav: { label: 'officer.nav.bd', order: 13 } },
]);
