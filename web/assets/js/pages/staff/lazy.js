// A page whose module is fetched only when the page first opens (issue 11, "Fast"): the staff
// pages are not compiled on a resident's phone. The shell moves focus to a page's heading when
// the route changes; a lazy page's heading comes later, so it is focused here once it is shown.
import { html, useState, useEffect, useRef } from '../../lib.js';
import { t } from '../../i18n.js';
import { Loading, ErrorBanner } from '../../ui.js';

export function lazyPage(load, name) {
  let Page = null;
  let pending = null;
  return function LazyPage(props) {
    const [, setReady] = useState(0);
    const [error, setError] = useState(null);
    const focused = useRef(false);
    useEffect(() => {
      if (Page) return undefined;
      let live = true;
      pending = pending || load().then((m) => (Page = m[name]));
      pending.then(
        () => live && setReady((n) => n + 1),
        (e) => {
          pending = null; // a later visit tries again
          if (live) setError(e);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    useEffect(() => {
      if (!Page || focused.current) return;
      focused.current = true;
      const h1 = document.querySelector('main h1');
      if (h1 && document.activeElement !== h1) h1.focus();
    });
    if (error) return html`<h1 tabindex="-1">${t('app.name')}</h1><${ErrorBanner} error=${error} />`;
    if (!Page) return html`<${Loading} />`;
    return html`<${Page} ...${props} />`;
  };
}
