// Electronic certificates in the portal (issue 12): the resident's certificates, one
// certificate (its holder's or an officer's view), the officers' panel (fetched when first
// opened, as the other staff pages), and the public verification page.
import { addRoutes } from '../../router.js';
import './messages.js';
import { MyCertificatesPage } from './mine.js';
import { CertificatePage } from './detail.js';
import { VerifyPage } from './verify.js';
import { lazyPage } from '../staff/lazy.js';

const OfficerCertificatesPage = lazyPage(() => import('./officer.js'), 'OfficerCertificatesPage');

addRoutes([
  { path: '/certificates', component: MyCertificatesPage, roles: ['resident'], title: 'cert.mine.title', nav: { label: 'cert.nav.mine', order: 45 } },
  { path: '/certificates/:cid', component: CertificatePage, roles: ['resident', 'officer', 'supervisor'], title: 'cert.page.title' },
  { path: '/verify', component: VerifyPage, roles: null, title: 'verify.title', nav: { label: 'cert.nav.verify', order: 15 } },
  { path: '/officer-certificates', component: OfficerCertificatesPage, roles: ['officer', 'supervisor'], title: 'officer.cert.title', nav: { label: 'cert.nav.officer', order: 16 } },
]);
