// Hash routes (#/check, #/officer/applications/12): the server serves one page, and the part
// after # never reaches the server or its logs. Never put a full ID number in a route: use
// "me", an application's number or a masked number (issue 11).
const routes = [];

// route: { path: '/officer/applications/:id', component, roles: ['officer'] | null (anyone),
//          title: 'i18n.key', nav: { label: 'i18n.key', order: 10 } | undefined }
export function addRoutes(list) {
  for (const r of list) {
    const names = [];
    const source = r.path.replace(/:(\w+)/g, (_, n) => {
      names.push(n);
      return '([^/]+)';
    });
    routes.push({ ...r, names, re: new RegExp('^' + source + '$') });
  }
}

export function allRoutes() {
  return routes;
}

export function currentPath() {
  const h = location.hash.replace(/^#/, '');
  const p = h.split('?')[0];
  return p || '/';
}

export function currentQuery() {
  const h = location.hash.replace(/^#/, '');
  const i = h.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : h.slice(i + 1));
}

export function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return { route: r, params };
    }
  }
  return null;
}

export function navigate(path, { replace = false } = {}) {
  const target = '#' + path;
  if (replace) history.replaceState(null, '', target);
  else if (location.hash !== target) history.pushState(null, '', target);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function href(path) {
  return '#' + path;
}
