// The disposition form shows only the fields the chosen outcome needs (the server checks them either way).
for (const form of document.querySelectorAll('form.disposition')) {
  const code = form.querySelector('select[name="code"]');
  const sync = () => {
    for (const set of form.querySelectorAll('fieldset[data-for]')) set.hidden = set.dataset.for !== code.value;
  };
  code.addEventListener('change', sync);
  sync();
}
