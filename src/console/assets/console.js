// Herald console: the little that cannot be a plain form. No framework; the pages work without it.
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-back]')) history.back();
});
