// Lucerna's page: hash routes, views, and the job stream client. No framework, no build step.
import { api, allJobs, describe } from './api.js';
import { renderPage, channelImage } from './sweep.js';

const $ = (sel, root = document) => root.querySelector(sel);
const main = $('#main');
const alertBox = $('#alert');
const announcer = $('#announce');
const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const enc = encodeURIComponent;
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const PAGE = 64;

/** What the current view holds open (EventSource, timers); closed on navigation. */
let cleanups = [];
const onLeave = f => cleanups.push(f);
const layerCache = new Map();

function showError(e) { alertBox.textContent = describe(e); }
function clearError() { alertBox.textContent = ''; }
function announce(text) { announcer.textContent = text; }

// ---- Routes ----------------------------------------------------------------------------------

function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = h.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

async function route() {
  cleanups.forEach(f => { try { f(); } catch (e) { /* already gone */ } });
  cleanups = [];
  clearError();
  const { parts, query } = parseHash();
  try {
    if (parts.length === 0) return await home();
    if (parts[0] === 'jobs' && parts.length === 1) return await historyView();
    if (parts[0] === 'jobs' && parts.length === 2) return await unitFromJob(parts[1]);
    if (parts[0] === 'm' && parts.length === 2) return await layers(parts[1], query);
    if (parts[0] === 'm' && parts.length === 3) return await grid(parts[1], parts[2], query);
    if (parts[0] === 'm' && parts.length === 4) return await unitFromRecipe(parts[1], parts[2], parts[3], query);
    main.innerHTML = '<h1>Not found</h1><p><a href="#/">Models</a></p>';
    showError(`No page at ${location.hash}`);
  } catch (e) {
    showError(e);
  }
}

// ---- #/ : models and recent jobs -------------------------------------------------------------

async function home() {
  document.title = 'Lucerna';
  main.innerHTML = '<h1>Models</h1><p class="skeleton">Loading models…</p><h2>Recent jobs</h2><p class="skeleton">Loading…</p>';
  const [models, recent] = await Promise.allSettled([api('/models'), api('/jobs?limit=8')]);
  let html = '<h1>Models</h1>';
  if (models.status === 'fulfilled') {
    html += '<ul class="cards" id="models">' + models.value.body.models.map(m => `<li class="card model">
      <h2><a href="#/m/${enc(m.name)}">${esc(m.name)}</a></h2>
      <div class="muted">version ${esc(m.servedVersion ?? '—')} of ${esc(m.versions.join(', ') || 'none')} · ${esc((m.state || 'no versions').toLowerCase())}</div>
      ${m.reason ? `<div class="muted">${esc(m.reason)}</div>` : ''}</li>`).join('') + '</ul>';
  } else {
    showError(models.reason);
  }
  html += '<h2>Recent jobs</h2>';
  if (recent.status === 'fulfilled') {
    const jobs = recent.value.body.jobs;
    html += jobs.length ? jobTable(jobs, false) : '<p class="muted">No jobs yet.</p>';
  }
  main.innerHTML = html;
}

function jobTable(jobs, actions) {
  return `<div class="scroll"><table class="jobs"><thead><tr>${actions ? '<th><span class="sr-only">Compare</span></th>' : ''}
    <th>Image</th><th>Objective</th><th>Status</th><th class="num opt">Size</th><th class="num opt">Steps</th><th class="num opt">Seed</th>${actions ? '<th>Actions</th>' : ''}</tr></thead><tbody>
    ${jobs.map(j => {
      const r = j.request;
      const img = j.status === 'SUCCEEDED'
        ? `<img src="/jobs/${enc(j.id)}/image" width="48" height="48" loading="lazy" alt="${esc(r.objectiveDescription)}">` : '';
      const recipe = recipeOfRequest(r);
      return `<tr data-id="${esc(j.id)}">${actions ? `<td><input type="checkbox" class="cmp" aria-label="Compare ${esc(j.id)}" value="${esc(j.id)}"></td>` : ''}
        <td>${img}</td><td><a href="#/jobs/${enc(j.id)}">${esc(r.objectiveDescription)}</a> <span class="muted">${esc(r.model)}</span></td>
        <td class="st-${esc(j.status)}">${esc(j.status)}${j.status === 'RUNNING' ? ` ${j.progress.step}/${j.progress.totalSteps}` : ''}</td>
        <td class="num opt">${r.width}×${r.height}</td><td class="num opt">${r.steps}</td><td class="num opt">${r.seed}</td>
        ${actions ? `<td>${FINAL.has(j.status) ? '' : `<button type="button" class="cancel" data-id="${esc(j.id)}">Cancel</button>`}
          ${recipe ? `<a href="${esc(recipeHash(recipe))}">Re-run</a>` : ''}</td>` : ''}</tr>`;
    }).join('')}</tbody></table></div>`;
}

// ---- #/m/{model} : layers ---------------------------------------------------------------------

async function modelLayers(model) {
  if (!layerCache.has(model)) {
    const p = api(`/models/${enc(model)}/layers`).then(r => r.body);
    layerCache.set(model, p);
    p.catch(() => layerCache.delete(model));
  }
  return layerCache.get(model);
}

async function layers(model, query) {
  document.title = `${model} · Lucerna`;
  main.innerHTML = `<p class="crumbs"><a href="#/">Models</a> › ${esc(model)}</p><h1>${esc(model)}</h1><p class="skeleton">Loading layers…</p>`;
  const list = await modelLayers(model);
  const q = query.get('q') || '';
  main.innerHTML = `<p class="crumbs"><a href="#/">Models</a> › ${esc(model)}</p><h1>${esc(model)} <span class="muted">v${list.version}</span></h1>
    <div class="row"><label for="filter">Filter layers</label><input id="filter" type="search" value="${esc(q)}" autocomplete="off">
    <span id="count" class="muted"></span></div>
    <div class="scroll"><table id="layers"><thead><tr><th>Layer</th><th class="opt">Op</th><th class="opt">Shape</th><th class="num">Channels</th></tr></thead><tbody>
    ${list.layers.map(l => `<tr data-name="${esc((l.name + ' ' + (l.displayName || '')).toLowerCase())}">
      <td><a href="#/m/${enc(model)}/${enc(l.name)}">${esc(l.displayName || l.name)}</a></td><td class="opt">${esc(l.opType)}</td>
      <td class="opt">${esc(l.shape.join('×'))}</td><td class="num">${l.channels}</td></tr>`).join('')}</tbody></table></div>`;
  const input = $('#filter');
  const rows = [...main.querySelectorAll('#layers tbody tr')];
  const apply = () => {
    const f = input.value.trim().toLowerCase();
    let n = 0;
    for (const r of rows) { const show = !f || r.dataset.name.includes(f); r.hidden = !show; n += show; }
    $('#count').textContent = `${n} of ${rows.length}`;
  };
  input.addEventListener('input', () => {
    apply();
    const v = input.value.trim();
    history.replaceState(null, '', `#/m/${enc(model)}${v ? `?q=${enc(v)}` : ''}`);
  });
  apply();
}

// ---- #/m/{model}/{layer}?page= : channel grid -------------------------------------------------

/** Finished single-channel jobs of a layer, as channel → job id (the newest). */
async function cachedChannels(model, layer) {
  const jobs = await allJobs(`model=${enc(model)}&layer=${enc(layer)}&status=SUCCEEDED`);
  const out = new Map();
  for (const j of jobs) {
    const t = j.request.objective.terms;
    if (t.length === 1 && t[0].kind === 'channel' && t[0].layer === layer && j.request.batch === 1 && !out.has(t[0].channel)) {
      out.set(t[0].channel, j.id);
    }
  }
  return out;
}

/** Loads images of tiles as they come into view, at most 4 requests at once. */
function imageLoader() {
  const queue = [];
  let inFlight = 0;
  const pump = () => {
    while (inFlight < 4 && queue.length) {
      const img = queue.shift();
      inFlight++;
      const done = () => { inFlight--; pump(); };
      img.addEventListener('load', done, { once: true });
      img.addEventListener('error', done, { once: true });
      img.src = img.dataset.src;
    }
  };
  const io = new IntersectionObserver(entries => {
    for (const e of entries) {
      if (e.isIntersecting) { io.unobserve(e.target); queue.push(e.target); }
    }
    pump();
  }, { rootMargin: '200px' });
  onLeave(() => io.disconnect());
  return img => io.observe(img);
}

async function grid(model, layer, query) {
  document.title = `${layer} · ${model} · Lucerna`;
  const page = Math.max(0, parseInt(query.get('page') || '0', 10) || 0);
  const crumbs = `<p class="crumbs"><a href="#/">Models</a> › <a href="#/m/${enc(model)}">${esc(model)}</a> › ${esc(layer)}</p>`;
  main.innerHTML = `${crumbs}<h1>${esc(layer)}</h1><p class="skeleton">Loading channels…</p>`;
  const [list, cached] = await Promise.all([modelLayers(model), cachedChannels(model, layer)]);
  const info = list.layers.find(l => l.name === layer);
  if (!info) throw new Error(`${model} has no layer ${layer}`);
  const pages = Math.max(1, Math.ceil(info.channels / PAGE));
  const first = page * PAGE;
  const last = Math.min(info.channels, first + PAGE) - 1;
  const link = p => `#/m/${enc(model)}/${enc(layer)}?page=${p}`;
  const tiles = [];
  for (let c = first; c <= last; c++) {
    const id = cached.get(c);
    tiles.push(`<li><a class="tile" id="tile-${c}" href="${esc(recipeHash({ ...DEFAULTS, model, layer, unit: c }))}">${id
      ? `<img loading="lazy" width="96" height="96" data-src="/jobs/${enc(id)}/image" alt="${esc(layer)} channel ${c}">` : ''}<span${id ? '' : ' aria-label="' + esc(layer) + ' channel ' + c + ', not rendered"'}>${c}</span></a></li>`);
  }
  main.innerHTML = `${crumbs}<h1>${esc(layer)} <span class="muted">${info.channels} channels</span></h1>
    <div class="row"><form id="goto" class="row"><label for="unit-no">Go to unit #</label>
      <input id="unit-no" type="number" min="0" max="${info.channels - 1}" required><button type="submit">Go</button></form>
      <button type="button" id="render-page">Render this page</button></div>
    <nav class="row" aria-label="Pages">${page > 0 ? `<a href="${link(page - 1)}" rel="prev">‹ Previous</a>` : ''}
      <span>Channels ${first}–${last} · page ${page + 1} of ${pages}</span>${page < pages - 1 ? `<a href="${link(page + 1)}" rel="next">Next ›</a>` : ''}</nav>
    <ul class="grid" id="tiles">${tiles.join('')}</ul>`;
  const observe = imageLoader();
  main.querySelectorAll('#tiles img[data-src]').forEach(observe);
  $('#goto').addEventListener('submit', e => {
    e.preventDefault();
    location.hash = recipeHash({ ...DEFAULTS, model, layer, unit: Number($('#unit-no').value) });
  });
  $('#render-page').addEventListener('click', async e => {
    e.target.disabled = true;
    clearError();
    try {
      const stop = await renderPage({ model, layer, first, last, render: { size: 64, steps: 128, seed: DEFAULTS.seed } },
        (sweep, done) => {
          e.target.textContent = `Rendering… ${done.size}/${last - first + 1}`;
          for (const c of done) {
            const a = $(`#tile-${c}`);
            if (a && !a.querySelector('img')) {
              a.insertAdjacentHTML('afterbegin', `<img width="96" height="96" alt="${esc(layer)} channel ${c}" src="${channelImage(sweep.id, c)}">`);
              a.querySelector('span').removeAttribute('aria-label');
            }
          }
          if (FINAL.has(sweep.status)) { e.target.textContent = 'Render this page'; e.target.disabled = false; announce(`Sweep ${sweep.status.toLowerCase()}`); }
        }, showError);
      onLeave(stop);
    } catch (err) {
      showError(err);
      e.target.disabled = false;
    }
  });
}

// ---- Recipes: the unit page's state in the URL --------------------------------------------------

const DEFAULTS = { v: 1, obj: 'channel', neg: 0, size: 128, steps: 512, seed: 0, lr: 0.05, fft: 1, decor: 1, tf: 'std', div: 0 };
const RECIPE_KEYS = ['v', 'obj', 'neg', 'size', 'steps', 'seed', 'lr', 'fft', 'decor', 'tf', 'div'];

function recipeHash(r) {
  const q = RECIPE_KEYS.map(k => `${k}=${enc(r[k] ?? DEFAULTS[k])}`).join('&');
  return `#/m/${enc(r.model)}/${enc(r.layer)}/${r.unit}?${q}`;
}

function recipeFromQuery(model, layer, unit, q) {
  const r = { model, layer, unit: Number(unit) };
  for (const k of RECIPE_KEYS) {
    const v = q.get(k);
    r[k] = v === null ? DEFAULTS[k] : (typeof DEFAULTS[k] === 'number' ? Number(v) : v);
  }
  return r;
}

/** The snapshots a page's job keeps: eighths of the run. */
function snapshotSteps(steps) {
  const s = new Set();
  for (let k = 1; k < 8; k++) { const v = Math.round(steps * k / 8); if (v > 0 && v < steps) s.add(v); }
  return [...s];
}

function requestOf(r) {
  const terms = [{ kind: r.obj === 'neuron' ? 'neuron' : 'channel', layer: r.layer, channel: r.unit, weight: r.neg ? -1 : 1 }];
  if (r.div) terms.push({ kind: 'diversity', layer: r.layer, weight: 100 });
  return {
    model: r.model, objective: { terms }, size: r.size, steps: r.steps, seed: r.seed, batch: r.div ? 4 : 1,
    snapshots: snapshotSteps(r.steps), optimizer: { type: 'adam', learningRate: r.lr },
    param: { type: r.fft ? 'fourier' : 'pixel', decorrelate: !!r.decor }, transforms: r.tf === 'none' ? 'none' : 'standard',
  };
}

/** The recipe of a job's normalized request, or null when the page cannot express it. */
function recipeOfRequest(q) {
  const t = q.objective.terms || [];
  const first = t[0];
  if (!first || !['channel', 'neuron'].includes(first.kind)) return null;
  const div = t.length === 2 && t[1].kind === 'diversity';
  if (t.length > 2 || (t.length === 2 && !div) || q.height !== q.width) return null;
  const tf = q.transforms === 'none' || (Array.isArray(q.transforms) && q.transforms.length === 0) ? 'none' : 'std';
  return {
    model: q.model, layer: first.layer, unit: first.channel, v: 1, obj: first.kind, neg: first.weight < 0 ? 1 : 0, size: q.height,
    steps: q.steps, seed: q.seed, lr: q.optimizer.learningRate, fft: q.param.type === 'fourier' ? 1 : 0,
    decor: q.param.decorrelate ? 1 : 0, tf, div: div ? 1 : 0,
  };
}

const sameRecipe = (a, b) => a && b && ['model', 'layer', 'unit', ...RECIPE_KEYS].every(k => String(a[k]) === String(b[k]));

// ---- The unit page ----------------------------------------------------------------------------

async function unitFromRecipe(model, layer, unit, query) {
  const recipe = recipeFromQuery(model, layer, unit, query);
  const view = unitView(recipe);
  view.setIdle();
  // An identical finished job is shown as it is; otherwise the page waits for Render.
  const jobs = await allJobs(`model=${enc(model)}&layer=${enc(layer)}&status=SUCCEEDED`);
  if (!view.current()) return;
  const found = jobs.find(j => sameRecipe(recipeOfRequest(j.request), recipe));
  if (!found) return;
  // Listings leave the objective curve out: the job's own document has it.
  const doc = await api(`/jobs/${enc(found.id)}`).then(r => r.body, () => found);
  if (view.current()) view.showJob(doc, true);
}

async function unitFromJob(id) {
  let job;
  try {
    ({ body: job } = await api(`/jobs/${enc(id)}`));
  } catch (e) {
    main.innerHTML = `<p class="crumbs"><a href="#/">Models</a> › <a href="#/jobs">Jobs</a></p><h1>Job ${esc(id)}</h1>
      <p>${e.status === 404 ? 'This job was not found.' : 'This job could not be loaded.'}</p>`;
    throw e;
  }
  const recipe = recipeOfRequest(job.request) || { model: job.request.model, layer: job.request.objective.terms[0]?.layer ?? '', unit: job.request.objective.terms[0]?.channel ?? 0, ...DEFAULTS };
  const view = unitView(recipe, job);
  view.showJob(job, false);
}

function unitView(recipe, jobForTitle) {
  const { model, layer, unit } = recipe;
  const token = {};
  const current = () => cleanups.includes(token.leave);
  token.leave = () => {};
  onLeave(token.leave);
  document.title = `${layer} ${unit} · ${model} · Lucerna`;
  const neighbour = d => recipeHash({ ...recipe, unit: unit + d });
  main.innerHTML = `<p class="crumbs"><a href="#/">Models</a> › <a href="#/m/${enc(model)}">${esc(model)}</a> ›
      <a href="#/m/${enc(model)}/${enc(layer)}?page=${Math.floor(unit / PAGE)}">${esc(layer)}</a> › ${unit}</p>
    <h1>${esc(layer)} ${recipe.obj === 'neuron' ? 'neuron' : 'channel'} ${unit}</h1>
    <nav class="row" aria-label="Units">${unit > 0 ? `<a href="${esc(neighbour(-1))}" id="prev">‹ Unit ${unit - 1}</a>` : ''}<a href="${esc(neighbour(1))}" id="next">Unit ${unit + 1} ›</a></nav>
    <div class="unit">
      <section aria-label="Image">
        <div class="viewer pixelated" id="viewer"><span class="muted" id="placeholder">Not rendered yet</span></div>
        <div class="row"><label><input type="checkbox" id="true-size"> True size</label>
          <label><input type="checkbox" id="pixelated" checked> Pixelated</label></div>
        <div><label for="progress">Progress</label><br><progress id="progress" max="${recipe.steps}" value="0"></progress>
          <div id="progress-text" class="muted">Not started</div></div>
        <p><strong id="state">Ready</strong></p>
        <div id="snap-box" hidden><label for="scrub">Snapshot</label> <input type="range" id="scrub" min="0" max="0" value="0">
          <ul class="strip" id="strip"></ul></div>
        <div class="row" id="downloads"></div>
        <h2>Objective</h2>
        <svg class="curve" id="curve" viewBox="0 0 100 100" preserveAspectRatio="none" role="img" aria-label="Objective by step"><polyline points=""/></svg>
        <details><summary>Objective values</summary><table><thead><tr><th class="num">Step</th><th class="num">Objective</th></tr></thead><tbody id="curve-table"></tbody></table></details>
      </section>
      <section aria-label="Parameters">
        <form class="params" id="params" novalidate>
          ${field('unit', 'Unit', `<input id="f-unit" name="unit" type="number" min="0" step="1" value="${unit}">`)}
          ${field('obj', 'Objective', `<select id="f-obj" name="obj"><option value="channel">channel</option><option value="neuron">neuron</option></select>`)}
          ${field('neg', 'Negative', `<input id="f-neg" name="neg" type="checkbox">`)}
          ${field('size', 'Size (px)', `<input id="f-size" name="size" type="number" min="8" max="1024">`)}
          ${field('steps', 'Steps', `<input id="f-steps" name="steps" type="number" min="1" max="10000">`)}
          ${field('seed', 'Seed', `<span class="row"><input id="f-seed" name="seed" type="number" min="0"><button type="button" id="dice" aria-label="Random seed" title="Random seed">Random</button></span>`)}
          ${field('fft', 'Fourier (fft)', `<input id="f-fft" name="fft" type="checkbox">`)}
          ${field('decor', 'Decorrelate colors', `<input id="f-decor" name="decor" type="checkbox">`)}
          ${field('tf', 'Transforms', `<select id="f-tf" name="tf"><option value="std">standard</option><option value="none">none</option></select>`)}
          <fieldset><legend>Advanced</legend><div class="params" style="display:grid">
            ${field('lr', 'Learning rate', `<input id="f-lr" name="lr" type="number" min="0" step="any">`)}
            ${field('div', 'Diversity (batch 4)', `<input id="f-div" name="div" type="checkbox">`)}
          </div></fieldset>
          <div class="row" style="grid-column:1/-1"><button type="submit" class="primary" id="run">Render</button>
            <button type="button" id="reset">Reset</button></div>
        </form>
        <h2>Share</h2>
        <div class="row"><label for="permalink">Permalink</label><input id="permalink" readonly>
          <button type="button" id="copy-link">Copy</button></div>
        <div class="row"><button type="button" id="copy-json">Copy JSON</button><button type="button" id="copy-curl">Copy curl</button></div>
      </section>
    </div>`;
  const form = $('#params');
  const fields = ['unit', 'obj', 'neg', 'size', 'steps', 'seed', 'fft', 'decor', 'tf', 'lr', 'div'];
  const set = r => {
    for (const k of fields) {
      const el = form.elements[k];
      if (el.type === 'checkbox') el.checked = !!Number(r[k]); else el.value = r[k];
    }
  };
  const read = () => {
    const r = { model, layer, v: 1 };
    for (const k of fields) {
      const el = form.elements[k];
      r[k] = el.type === 'checkbox' ? (el.checked ? 1 : 0) : (typeof DEFAULTS[k] === 'string' ? el.value : Number(el.value));
    }
    return r;
  };
  const markChanged = () => {
    for (const k of fields) {
      const el = form.elements[k];
      const def = k === 'unit' ? unit : DEFAULTS[k];
      const v = el.type === 'checkbox' ? (el.checked ? 1 : 0) : el.value;
      $(`label[for=f-${k}]`).classList.toggle('changed', String(v) !== String(def));
    }
  };
  set(recipe);
  markChanged();
  const permalink = $('#permalink');
  permalink.value = location.href;
  let job = null;
  let running = false;
  let es = null;
  let poll = null;
  let stepsSeen = -1;
  let announced = -1;
  let rate = { events: 0, ema: null, t: 0, step: 0 };
  const curve = [];
  const snaps = [];
  let pendingFrame = false;
  let latest = null;

  const closeStream = () => { if (es) { es.close(); es = null; } if (poll) { clearInterval(poll); poll = null; } };
  onLeave(closeStream);

  form.addEventListener('change', () => form.dispatchEvent(new Event('input')));
  form.addEventListener('input', () => {
    markChanged();
    clearFieldErrors();
    if (!running) {
      const r = read();
      if (Number.isInteger(r.unit) && r.unit >= 0) { history.replaceState(null, '', recipeHash({ ...r, unit: r.unit })); permalink.value = location.href; }
    }
  });
  $('#reset').addEventListener('click', () => { set({ ...DEFAULTS, unit }); form.dispatchEvent(new Event('input')); });
  $('#dice').addEventListener('click', () => { form.elements.seed.value = Math.floor(Math.random() * 1e6); form.dispatchEvent(new Event('input')); });
  $('#true-size').addEventListener('change', e => $('#viewer').classList.toggle('true-size', e.target.checked));
  $('#pixelated').addEventListener('change', e => $('#viewer').classList.toggle('pixelated', e.target.checked));
  const copy = async text => {
    try { await navigator.clipboard.writeText(text); announce('Copied'); } catch (e) {
      permalink.value = text; permalink.select(); document.execCommand('copy'); announce('Copied');
    }
  };
  $('#copy-link').addEventListener('click', () => copy(permalink.value));
  $('#copy-json').addEventListener('click', () => copy(JSON.stringify(requestOf(read()), null, 2)));
  $('#copy-curl').addEventListener('click', () => copy(`curl -s -X POST ${location.origin}/visualize -H 'Content-Type: application/json' -d '${JSON.stringify(requestOf(read()))}'`));

  function clearFieldErrors() {
    form.querySelectorAll('[aria-invalid]').forEach(el => { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); });
    form.querySelectorAll('.field-error').forEach(el => el.remove());
  }
  const FIELD_OF = [[/\.kind$/, 'obj'], [/\.channel$|^channel/, 'unit'], [/^(size|height|width)$/, 'size'], [/^steps$/, 'steps'], [/^seed$/, 'seed'],
    [/learningRate/, 'lr'], [/^param/, 'fft'], [/^transforms/, 'tf'], [/^batch$|diversity/, 'div'], [/^objective/, 'unit']];
  function fieldErrors(errors) {
    for (const { field: f, message } of errors) {
      const name = (FIELD_OF.find(([re]) => re.test(f || '')) || [])[1];
      const el = name && form.elements[name];
      if (!el) continue;
      el.setAttribute('aria-invalid', 'true');
      const msg = document.createElement('div');
      msg.className = 'field-error';
      msg.id = `err-${name}`;
      msg.textContent = message;
      el.setAttribute('aria-describedby', msg.id);
      el.closest('.field').after(msg);
    }
  }

  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearError();
    clearFieldErrors();
    if (running) {
      try { await api(`/jobs/${enc(job.id)}/cancel`, { method: 'POST' }); } catch (err) { showError(err); }
      return;
    }
    const r = read();
    if (!Number.isInteger(r.unit) || r.unit < 0) {
      fieldErrors([{ field: 'channel', message: 'must be a whole number, 0 or more' }]);
      showError('The request is not valid — the unit must be a whole number, 0 or more');
      return;
    }
    const btn = $('#run');
    btn.disabled = true;
    try {
      const { body } = await api('/visualize', { json: requestOf(r) });
      history.replaceState(null, '', `#/jobs/${enc(body.id)}`);
      permalink.value = location.href;
      showJob(body, false);
    } catch (err) {
      showError(err);
      fieldErrors(err.errors || []);
    } finally {
      btn.disabled = false;
    }
  });

  function setImage(src, alt) {
    const v = $('#viewer');
    let img = v.querySelector('img');
    if (!img) { v.innerHTML = ''; img = document.createElement('img'); v.append(img); }
    img.src = src;
    img.alt = alt;
  }

  function setRunning(on) {
    running = on;
    $('#run').textContent = on ? 'Cancel' : 'Render';
  }

  function showJob(j, cached) {
    job = j;
    resetRun();
    $('#progress').max = j.progress.totalSteps;
    if (!FINAL.has(j.status)) {
      setRunning(true);
      announce('Render started');
      $('#state').textContent = j.status === 'QUEUED' ? `Queued${j.queuePosition ? ` (#${j.queuePosition + 1})` : ''}` : 'Running';
      connect();
    } else {
      update(j, true);
      finish(j, cached);
    }
  }

  function resetRun() {
    closeStream();
    stepsSeen = -1;
    announced = -1;
    rate = { events: 0, ema: null, t: 0, step: 0 };
    curve.length = 0;
    snaps.length = 0;
    $('#strip').innerHTML = '';
    $('#snap-box').hidden = true;
  }

  // One EventSource, closed on navigation and when the job ends.
  function connect() {
    let failures = 0;
    let firstFailure = 0;
    es = new EventSource(`/jobs/${enc(job.id)}/events`);
    es.addEventListener('status', e => {
      const d = JSON.parse(e.data);
      $('#state').textContent = d.status === 'QUEUED' ? 'Queued' : d.status === 'RUNNING' ? 'Running' : d.status;
      failures = 0;
    });
    es.addEventListener('progress', e => { failures = 0; schedule(JSON.parse(e.data)); });
    es.addEventListener('snapshot', e => addSnapshot(JSON.parse(e.data).step));
    es.addEventListener('done', e => {
      const d = JSON.parse(e.data);
      closeStream();
      if (d.deleted) { showError('The job was deleted'); setRunning(false); return; }
      update(d, true);
      finish(d, false);
    });
    es.onopen = () => { if (failures) $('#state').textContent = 'Running'; };
    es.onerror = () => {
      if (!es) return;
      if (es.readyState === EventSource.CONNECTING) {
        failures++;
        firstFailure = firstFailure || Date.now();
        $('#state').textContent = 'Reconnecting…';
        if (failures >= 3 || Date.now() - firstFailure > 15000) { es.close(); es = null; startPolling(); }
      } else {
        es = null;
        refresh(true);
      }
    };
  }

  function startPolling() {
    $('#state').textContent = 'Running (checking every 2 s)';
    poll = setInterval(() => refresh(false), 2000);
    refresh(false);
  }

  async function refresh(showProblem) {
    try {
      const { body } = await api(`/jobs/${enc(job.id)}`);
      for (const s of body.progress.snapshots) addSnapshot(s);
      update(body, true);
      if (FINAL.has(body.status)) { closeStream(); finish(body, false); } else if (showProblem) startPolling();
    } catch (e) {
      showError(e);
      if (e.status === 404) { closeStream(); setRunning(false); }
    }
  }

  // Stream updates are drawn once per frame. A progress (an event's, or a job document's) carries
  // the job's objective curve so far: merged with the points seen live, so that a run too quick
  // for more than one or two events, or a finished job opened later, still shows its whole curve.
  function schedule(p) {
    const merged = mergeCurve(p.curve);
    if (p.step <= stepsSeen) {
      if (merged) drawSoon();
      return;
    }
    stepsSeen = p.step;
    const now = performance.now();
    if (rate.events > 0 && now > rate.t) {
      const r = (p.step - rate.step) / ((now - rate.t) / 1000);
      rate.ema = rate.ema === null ? r : 0.3 * r + 0.7 * rate.ema;
    }
    rate.events++;
    rate.t = now;
    rate.step = p.step;
    if (p.objective !== null && p.objective !== undefined) addPoint(p.step, p.objective);
    latest = p;
    drawSoon();
  }

  function drawSoon() {
    if (pendingFrame) return;
    pendingFrame = true;
    requestAnimationFrame(() => { pendingFrame = false; if (latest) drawProgress(latest); else drawCurve(); });
  }

  function addPoint(step, value) {
    if (curve.length && curve[curve.length - 1][0] >= step) return;
    curve.push([step, value]);
    capCurve();
  }

  // The server's points ([step, objective], steps ascending) win over live ones at the same step.
  function mergeCurve(points) {
    if (!Array.isArray(points) || !points.length) return false;
    const byStep = new Map(curve);
    for (const [step, value] of points) if (Number.isFinite(step) && Number.isFinite(value)) byStep.set(step, value);
    curve.splice(0, curve.length, ...[...byStep].sort((a, b) => a[0] - b[0]));
    capCurve();
    return true;
  }

  function capCurve() {
    if (curve.length > 500) for (let i = 1; i < curve.length - 1; i++) curve.splice(i, 1);
  }

  function drawProgress(p) {
    const prog = $('#progress');
    if (!prog) return;
    if (prog.max !== p.totalSteps) prog.max = p.totalSteps;
    if (p.step > prog.value) prog.value = p.step;
    const shown = rate.events > 3 && rate.ema;
    const eta = shown ? Math.max(0, Math.round((p.totalSteps - p.step) / rate.ema)) : null;
    $('#progress-text').textContent = `step ${p.step}/${p.totalSteps} · ${shown ? `${rate.ema.toFixed(0)} steps/s` : '—'} · ETA ${
      eta === null ? '—' : `${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, '0')}`}`;
    const quarter = Math.floor(4 * p.step / p.totalSteps);
    if (running && quarter > announced && quarter >= 1 && quarter <= 3) { announced = quarter; announce(`${quarter * 25}% done`); }
    drawCurve();
  }

  function drawCurve() {
    const line = $('#curve polyline');
    if (!line || !curve.length) return;
    const xs = curve.map(c => c[0]);
    const ys = curve.map(c => c[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
    let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    if (y1 === y0) { y1 += 1; y0 -= 1; }
    line.setAttribute('points', curve.map(([x, y]) => `${(100 * (x - x0) / (x1 - x0)).toFixed(2)},${(100 - 100 * (y - y0) / (y1 - y0)).toFixed(2)}`).join(' '));
    $('#curve-table').innerHTML = curve.map(([x, y]) => `<tr><td class="num">${x}</td><td class="num">${y.toPrecision(5)}</td></tr>`).join('');
  }

  function snapshotUrl(step) { return `/jobs/${enc(job.id)}/snapshots/${step}`; }
  function fileName(extra) { return `${model}_${layer}_${unit}_s${job.request.seed}${extra}.png`; }

  function addSnapshot(step) {
    if (snaps.includes(step)) return;
    snaps.push(step);
    snaps.sort((a, b) => a - b);
    $('#snap-box').hidden = false;
    $('#strip').innerHTML = snaps.map((s, i) => `<li data-i="${i}"><a href="${snapshotUrl(s)}" download="${esc(fileName(`_step${s}`))}">
      <img src="${snapshotUrl(s)}" width="48" height="48" alt="Step ${s}, download"></a></li>`).join('');
    const scrub = $('#scrub');
    scrub.max = snaps.length - 1;
    scrub.value = snaps.length - 1;
    scrub.setAttribute('aria-valuetext', `step ${step}`);
    if (running) showSnapshot(snaps.length - 1);
  }

  function showSnapshot(i) {
    const s = snaps[i];
    if (s === undefined) return;
    setImage(snapshotUrl(s), `${layer} channel ${unit} at step ${s}`);
    main.querySelectorAll('#strip li').forEach(li => li.classList.toggle('on', Number(li.dataset.i) === i));
    $('#scrub').setAttribute('aria-valuetext', `step ${s}`);
  }
  $('#scrub').addEventListener('input', e => showSnapshot(Number(e.target.value)));

  function update(j, draw) {
    job = j;
    for (const s of j.progress.snapshots) addSnapshot(s);
    schedule(j.progress);
    if (draw && latest) drawProgress(latest);
  }

  function finish(j, cached) {
    closeStream();
    setRunning(false);
    const status = j.status;
    $('#state').textContent = status === 'SUCCEEDED' ? (cached ? 'Succeeded (cached result)' : 'Succeeded')
      : status === 'CANCELLED' ? 'Cancelled' : `Failed${j.error ? `: ${j.error.detail || j.error.title}` : ''}`;
    $('#state').className = `st-${status}`;
    if (!cached) announce(status === 'SUCCEEDED' ? 'Render done' : status === 'CANCELLED' ? 'Render cancelled' : 'Render failed');
    if (status === 'FAILED' && j.error) showError(`${j.error.title} — ${j.error.detail}`);
    const downloads = $('#downloads');
    const p = j.progress;
    $('#progress-text').textContent = `step ${p.step}/${p.totalSteps}${p.stepsPerSecond ? ` · ${p.stepsPerSecond.toFixed(0)} steps/s` : ''} · ${status.toLowerCase()}`;
    if (status === 'SUCCEEDED') {
      setImage(`/jobs/${enc(j.id)}/image`, `${layer} channel ${unit}`);
      if ($('#progress').value < j.progress.totalSteps) $('#progress').value = j.progress.totalSteps;
      downloads.innerHTML = `<a class="button" id="download" href="/jobs/${enc(j.id)}/image" download="${esc(fileName(''))}">Download PNG</a>
        <a href="#/jobs/${enc(j.id)}">Job ${esc(j.id)}</a>`;
    } else if (snaps.length) {
      showSnapshot(snaps.length - 1);
    }
  }

  return {
    current,
    showJob,
    setIdle: () => { $('#state').textContent = 'Ready'; },
  };
}

function field(name, label, control) {
  return `<label for="f-${name}">${label}</label><div class="field">${control}</div>`;
}

// ---- #/jobs : history ---------------------------------------------------------------------------

async function historyView() {
  document.title = 'Jobs · Lucerna';
  main.innerHTML = '<h1>Jobs</h1><p class="skeleton">Loading jobs…</p>';
  let shown = 50;
  const draw = async () => {
    const jobs = await allJobs('', shown + 1);
    const more = jobs.length > shown;
    const picked = new Set([...main.querySelectorAll('.cmp:checked')].map(c => c.value));
    main.innerHTML = `<h1>Jobs</h1><div class="row"><button type="button" id="compare">Compare selected</button>
      <span class="muted">${more ? `newest ${shown}` : `${jobs.length} jobs`}</span></div><div id="compare-box" class="compare"></div>
      ${jobs.length ? jobTable(jobs.slice(0, shown), true) : '<p class="muted">No jobs yet.</p>'}
      ${more ? '<button type="button" id="more">Show more</button>' : ''}`;
    main.querySelectorAll('.cmp').forEach(c => { c.checked = picked.has(c.value); });
    return jobs.some(j => !FINAL.has(j.status));
  };
  const onClick = async e => {
    const t = e.target;
    if (t.id === 'more') { shown += 50; await draw(); }
    if (t.classList.contains('cancel')) {
      try { await api(`/jobs/${enc(t.dataset.id)}/cancel`, { method: 'POST' }); await draw(); } catch (err) { showError(err); }
    }
    if (t.id === 'compare') {
      const ids = [...main.querySelectorAll('.cmp:checked')].map(c => c.value);
      if (ids.length < 2 || ids.length > 4) { showError('Pick 2 to 4 jobs to compare'); return; }
      clearError();
      $('#compare-box').innerHTML = ids.map(id => `<figure><img src="/jobs/${enc(id)}/image" alt="Job ${esc(id)}" width="160" height="160"><figcaption>${esc(id)}</figcaption></figure>`).join('');
    }
  };
  main.addEventListener('click', onClick);
  onLeave(() => main.removeEventListener('click', onClick));
  let active = await draw();
  const timer = setInterval(async () => {
    if (active && document.visibilityState === 'visible') active = await draw().catch(() => active);
  }, 5000);
  onLeave(() => clearInterval(timer));
}

window.addEventListener('hashchange', route);
route();
