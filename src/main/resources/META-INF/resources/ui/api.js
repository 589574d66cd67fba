// Calls to the Lucerna API, same origin only, and its problem+json errors (RFC 9457).

/** An API error: status, title, detail, field errors and Retry-After seconds when given. */
export class ApiError extends Error {
  constructor(status, title, detail, errors, retryAfter) {
    super(detail ? `${title} — ${detail}` : title);
    Object.assign(this, { status, title, detail, errors: errors || [], retryAfter });
  }
}

/** Fetches JSON; a non-2xx answer throws an ApiError read from its problem document or its status text. */
export async function api(path, options = {}) {
  const init = { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } };
  if (options.json !== undefined) {
    init.method = init.method || 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.json);
  }
  let r;
  try {
    r = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The service did not answer', String(e.message || e));
  }
  const type = r.headers.get('Content-Type') || '';
  if (r.ok) {
    return { status: r.status, headers: r.headers, body: type.includes('json') ? await r.json() : null };
  }
  const retry = r.headers.get('Retry-After');
  const retryAfter = retry && /^\d+$/.test(retry) ? Number(retry) : undefined;
  if (type.includes('json')) {
    try {
      const p = await r.json();
      const fields = p.errors || p.invalid_params || p['invalid-params'] || [];
      const errors = fields.map(f => ({ field: f.field || f.name || f.pointer, message: f.message || f.reason || f.detail }));
      throw new ApiError(r.status, p.title || r.statusText || `HTTP ${r.status}`, p.detail, errors, retryAfter);
    } catch (e) {
      if (e instanceof ApiError) throw e;
    }
  }
  throw new ApiError(r.status, `${r.status} ${r.statusText || 'Request failed'}`.trim(), undefined, [], retryAfter);
}

/** Jobs matching the query, newest first (the API's order), up to max, a page at a time. */
export async function allJobs(query = '', max = 5000) {
  const out = [];
  let after = null;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', String(Math.min(500, max - out.length)));
    if (after) q.set('after', after);
    const { body } = await api(`/jobs?${q}`);
    out.push(...body.jobs);
    after = body.next;
  } while (after && out.length < max);
  return out;
}

/** The message of an error for role=alert, with "retry in N s" for a busy service. */
export function describe(e) {
  if (!(e instanceof ApiError)) return String(e && e.message || e || 'Something went wrong');
  let m = e.message;
  if ((e.status === 429 || e.status === 503) && e.retryAfter !== undefined) m += ` (retry in ${e.retryAfter} s)`;
  return m;
}
