// The dashboard (issue 11): the registered, resident and floating population of Zhejiang by
// city, or of a city by county, on a map and in a table, from GET /api/v1/statistics. Analysts
// see any area; officers and supervisors their own jurisdiction, the same way (the route
// refuses the rest). ECharts (1.1 MB) is loaded only here, by a dynamic import; the map's
// GeoJSON comes from assets/map/ (tools/web/map.js; docs/web.md "The map"). The CSV is made in
// the page from the same figures the table shows.
import { html, useState, useEffect, useRef } from '../../lib.js';
import { t, lang, formatNumber } from '../../i18n.js';
import { get, query } from '../../api.js';
import { navigate, currentQuery } from '../../router.js';
import { useSession } from '../../session.js';
import { useLoad, Loading, ErrorBanner, SelectInput, Button, Alert } from '../../ui.js';
import { downloadCsv } from '../staff/common.js';

const MEASURES = ['registered', 'resident', 'floating'];
// Zhejiang's 11 cities (GB/T 2260): the area chooser's options, before any figure has loaded.
const CITIES = [
  ['330100', '杭州市'], ['330200', '宁波市'], ['330300', '温州市'], ['330400', '嘉兴市'], ['330500', '湖州市'], ['330600', '绍兴市'],
  ['330700', '金华市'], ['330800', '衢州市'], ['330900', '舟山市'], ['331000', '台州市'], ['331100', '丽水市'],
];

let echartsModule = null;
function loadEcharts() {
  if (!echartsModule) echartsModule = import('../../../vendor/echarts.mjs');
  return echartsModule;
}
const geoCache = new Map();
function loadGeo(code) {
  if (!geoCache.has(code)) {
    geoCache.set(
      code,
      fetch(`/assets/map/${code}.json`).then((r) => {
        if (!r.ok) throw new Error(`map ${code}: HTTP ${r.status}`);
        return r.json();
      }),
    );
  }
  return geoCache.get(code);
}

// Which map draws an area: the province by city, a city by county; a county is drawn inside
// its city's map with only itself coloured.
function mapOf(code) {
  if (code === '330000') return '330000';
  return code.slice(0, 4) + '00';
}

function StatsMap({ stats, measure, onPick }) {
  const box = useRef(null);
  const chart = useRef(null);
  const [state, setState] = useState({ error: null, drawn: null });
  const area = stats.area.code;
  const rows = stats.area.type === 'county' ? [{ code: area, name: stats.area.name, ...stats.totals }] : stats.parts || [];
  useEffect(() => {
    let live = true;
    const mapCode = mapOf(area);
    Promise.all([loadEcharts(), loadGeo(mapCode)]).then(
      ([echarts, geo]) => {
        if (!live || !box.current) return;
        const name = 'zj-' + mapCode;
        if (!echarts.getMap(name)) echarts.registerMap(name, geo);
        if (!chart.current) {
          chart.current = echarts.init(box.current, null, { renderer: 'canvas' });
          chart.current.on('click', (p) => p.data && onPick(p.data.name));
        }
        const values = rows.map((r) => r[measure] || 0);
        chart.current.setOption(
          {
            aria: { enabled: true },
            tooltip: { trigger: 'item', formatter: (p) => (p.data ? `${p.data.label}<br/>${t('dash.measure.' + measure)}: ${formatNumber(p.data.value)}` : '') },
            visualMap: { min: 0, max: Math.max(1, ...values), left: 'left', bottom: 0, calculable: false, text: [t('dash.high'), t('dash.low')], inRange: { color: ['#e8f1fb', '#0b5cad', '#08306b'] } },
            series: [
              {
                type: 'map',
                map: name,
                nameProperty: 'code',
                roam: false,
                selectedMode: false,
                label: { show: false },
                emphasis: { label: { show: false }, itemStyle: { areaColor: '#f0a000' } },
                itemStyle: { areaColor: '#eeeeee', borderColor: '#545b64', borderWidth: 0.5 },
                data: rows.map((r) => ({ name: r.code, label: r.name, value: r[measure] || 0 })),
              },
            ],
          },
          true,
        );
        setState({ error: null, drawn: new Set(geo.features.map((f) => f.properties.code)) });
      },
      (error) => live && setState({ error, drawn: null }),
    );
    return () => {
      live = false;
    };
  }, [area, measure, lang(), stats]);
  useEffect(() => {
    const onResize = () => chart.current && chart.current.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      if (chart.current) chart.current.dispose();
      chart.current = null;
    };
  }, []);
  const missing = state.drawn ? rows.filter((r) => !state.drawn.has(r.code)) : [];
  return html`<figure class="map-figure">
    <div class="map" ref=${box} role="img" aria-label=${t('dash.map.label', { area: stats.area.name, measure: t('dash.measure.' + measure) })}></div>
    <figcaption class="hint">${t('dash.map.caption')}</figcaption>
    ${state.error && html`<${Alert} kind="warning">${t('dash.map.failed')}<//>`}
    ${missing.length > 0 && html`<p class="hint">${t('dash.map.missing', { names: missing.map((r) => r.name).join('、') })}</p>`}
  </figure>`;
}

function StatsTable({ stats }) {
  const rows = stats.parts || [];
  const cols = ['registered', 'resident', 'floating', 'floating_interprovince'];
  function csv() {
    const head = [t('dash.col.code'), t('dash.col.name'), ...cols.map((c) => t('dash.measure.' + c))];
    const body = rows.map((r) => [r.code, r.name, ...cols.map((c) => r[c])]);
    const total = [stats.area.code, t('dash.total', { name: stats.area.name }), ...cols.map((c) => stats.totals[c])];
    downloadCsv(`hukou-statistics-${stats.area.code}.csv`, [head, ...body, total]);
  }
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
      <table class="stats stack">
        <caption>${t('dash.table.caption', { area: stats.area.name })}</caption>
        <thead><tr><th scope="col">${t('dash.col.name')}</th>${cols.map((c) => html`<th scope="col" class="num">${t('dash.measure.' + c)}</th>`)}</tr></thead>
        <tbody>
          ${rows.map((r) => html`<tr data-code=${r.code}><th scope="row">${r.name} <span class="muted num">${r.code}</span></th>${cols.map((c) => html`<td class="num" data-label=${t('dash.measure.' + c)}>${formatNumber(r[c])}</td>`)}</tr>`)}
        </tbody>
        <tfoot><tr data-code=${stats.area.code}><th scope="row">${t('dash.total', { name: stats.area.name })}</th>${cols.map((c) => html`<td class="num" data-label=${t('dash.measure.' + c)}>${formatNumber(stats.totals[c])}</td>`)}</tr></tfoot>
      </table>
    </div>
    <div class="actions"><${Button} kind="secondary" type="button" onClick=${csv}>${t('dash.csv')}<//></div>`;
}

export function DashboardPage() {
  const { session } = useSession();
  const q = currentQuery();
  // The area and measure live in the page's state and, for Back and a bookmark, in its address
  // (the hash's query changes no route, so the shell does not render the page again for it).
  const [area, setArea] = useState(q.get('area') || '');
  const [measure, setMeasure] = useState(MEASURES.includes(q.get('measure')) ? q.get('measure') : 'resident');
  const stats = useLoad(() => get('/api/v1/statistics' + query({ area })), [area]);
  // ECharts (360 KB compressed) starts loading with the figures, not after them.
  useEffect(() => {
    loadEcharts().catch(() => {}); // a failure is shown by the map itself
  }, []);
  const go = (next) => {
    const a = next.area ?? area;
    setArea(a);
    navigate('/dashboard' + query({ area: a, measure: next.measure ?? measure }));
  };
  // Who may choose among the cities: analysts, and a supervisor or officer of the whole province.
  const analyst = session && (session.role === 'analyst' || session.jurisdiction === '330000');
  const s = stats.data;
  const pick = (code) => {
    // A city of the province's map opens that city by county (analysts, or anyone whose
    // jurisdiction holds it; the route answers 403 otherwise).
    if (s && s.area.type === 'province' && code && code.endsWith('00')) go({ area: code });
  };
  const areaOptions = [{ value: '', label: analyst ? t('dash.area.province') : t('dash.area.mine') }, ...(analyst ? CITIES.map(([c, n]) => ({ value: c, label: `${n} ${c}` })) : [])];
  return html`<h1 tabindex="-1">${t('dash.title')}</h1>
    <p class="lead">${t('dash.lead')}</p>
    <div class="filters">
      ${analyst &&
      html`<${SelectInput} label=${t('dash.area')} value=${area} onChange=${(e) => go({ area: e.target.value })}
        options=${areaOptions} />`}
      <${SelectInput} label=${t('dash.measure')} value=${measure} onChange=${(e) => {
        setMeasure(e.target.value);
        navigate('/dashboard' + query({ area, measure: e.target.value }), { replace: true });
      }} options=${MEASURES.map((m) => ({ value: m, label: t('dash.measure.' + m) }))} />
    </div>
    ${area && html`<p><button class="btn btn-link" type="button" onClick=${() => go({ area: '' })}>← ${analyst ? t('dash.back.province') : t('dash.back.mine')}</button></p>`}
    <${ErrorBanner} error=${stats.error} />
    ${stats.loading && !s && html`<${Loading} />`}
    ${s &&
    html`<h2>${s.area.name}</h2>
      <p class="hint">${t('dash.registry', { persons: formatNumber(s.registry.persons), households: formatNumber(s.registry.households) })}${s.from_cache ? t('dash.cached') : ''}</p>
      <div class="dash">
        <${StatsMap} stats=${s} measure=${measure} onPick=${pick} />
        <div><${StatsTable} stats=${s} /></div>
      </div>`}`;
}
