// The start page: what the service is, the open eligibility check, the open verification of
// a certificate (issue 12), signing in, and opening one's account with an activation code
// (issue 16).
import { html } from '../lib.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { useSession, ROLE_HOME } from '../session.js';

export function HomePage() {
  const { session } = useSession();
  return html`<section class="hero">
      <h1 tabindex="-1">${t('home.title')}</h1>
      <p class="lead">${t('home.lead')}</p>
    </section>
    <div class="cards">
      <a class="card card-link" href=${href('/check')}>
        <h2>${t('home.check')}</h2>
        <p>${t('home.check.desc')}</p>
      </a>
      <a class="card card-link" href=${href('/verify')}>
        <h2>${t('home.verify')}</h2>
        <p>${t('home.verify.desc')}</p>
      </a>
      <a class="card card-link" href=${href(session ? ROLE_HOME[session.role] || '/' : '/signin')}>
        <h2>${t('home.signin')}</h2>
        <p>${t('home.signin.desc')}</p>
      </a>
      ${!session &&
      html`<a class="card card-link" href=${href('/activate')} data-card="activate">
        <h2>${t('activate.nav')}</h2>
        <p>${t('home.activate.desc')}</p>
      </a>`}
    </div>`;
}
