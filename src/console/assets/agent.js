// The disposition form shows only the fields the chosen outcome needs (the server checks them either way).
for (const form of document.querySelectorAll('form.disposition')) {
  const code = form.querySelector('select[name="code"]');
  const sync = () => {
    for (const set of form.querySelectorAll('fieldset[data-for]')) set.hidden = set.dataset.for !== code.value;
  };
  code.addEventListener('change', sync);
  sync();
}

// The call's live state (ringing, in progress, completed, no answer …), pushed by the server as
// Twilio reports it; the stream ends with a final state, and then so does the page's listening.
for (const live of document.querySelectorAll('[data-call-events]')) {
  const shown = live.querySelector('[data-call-state]');
  const events = new EventSource(`${live.dataset.callEvents}?call=${encodeURIComponent(live.dataset.call)}`);
  events.addEventListener('call', (event) => {
    const state = JSON.parse(event.data);
    if (state.label) shown.textContent = state.label;
    live.dataset.status = state.status;
    if (state.final || state.status === 'none') events.close();
  });
}
