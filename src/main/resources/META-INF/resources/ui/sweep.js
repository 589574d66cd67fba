// "Render this page" of a layer's grid: one sweep (POST /sweeps) followed on one EventSource.
// POST /sweeps answers 202 with the sweep ({id, status, ready: [channels], ...}); GET /sweeps/{id}
// says which channels are ready; /sweeps/{id}/channels/{c}/image is one channel's PNG;
// /sweeps/{id}/events sends status, progress, channel and a final "done".
import { api } from './api.js';

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** The channels of a sweep document whose images are ready. */
export function doneChannels(sweep) {
  return new Set(sweep.ready || []);
}

export function channelImage(sweepId, channel) {
  return `/sweeps/${encodeURIComponent(sweepId)}/channels/${channel}/image`;
}

/**
 * Submits a sweep of channels first..last of a layer and calls onUpdate(sweep, doneChannels) as it
 * advances; returns a function that stops following it.
 */
export async function renderPage({ model, layer, first, last, render }, onUpdate, onError) {
  const { body } = await api('/sweeps', { json: { model, layer, channels: `${first}-${last}`, ...render } });
  const id = body.id;
  let closed = false;
  const refresh = async () => {
    try {
      const { body: s } = await api(`/sweeps/${encodeURIComponent(id)}`);
      onUpdate(s, doneChannels(s));
      if (FINAL.has(s.status)) stop();
    } catch (e) {
      onError(e);
    }
  };
  let pending = false;
  const es = new EventSource(`/sweeps/${encodeURIComponent(id)}/events`);
  const stop = () => { closed = true; es.close(); };
  const onEvent = () => {
    if (pending || closed) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; refresh(); });
  };
  ['status', 'progress', 'batch', 'channel'].forEach(n => es.addEventListener(n, onEvent));
  es.addEventListener('done', () => { es.close(); refresh(); });
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) refresh(); };
  onUpdate(body, doneChannels(body));
  return stop;
}
