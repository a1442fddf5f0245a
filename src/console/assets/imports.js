// Herald console, importing customers: the chosen file goes as the request's body (as the API
// takes it), with the form's CSRF token in its header; the bar follows the bytes sent, which the
// server reads only as fast as it imports them. Then the import's own page. A running import's
// page reloads itself until the import ends.
(() => {
  const POLL_MS = 2000;
  const form = document.querySelector('[data-import-form]');
  if (form) uploader(form);
  if (document.querySelector('[data-import-running]')) setTimeout(() => location.reload(), POLL_MS);

  function uploader(form) {
    const bar = form.querySelector('[data-upload-progress]');
    const status = form.querySelector('[data-upload-status]');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const file = form.elements.file.files[0];
      if (!file) return;
      const request = new XMLHttpRequest();
      request.open('POST', `${form.action}?mode=${encodeURIComponent(form.elements.mode.value)}`);
      request.setRequestHeader('Content-Type', 'text/csv; charset=utf-8');
      request.setRequestHeader('X-CSRF-Token', form.elements._csrf.value);
      request.upload.addEventListener('progress', (progress) => {
        if (!progress.lengthComputable) return;
        const percent = Math.floor((100 * progress.loaded) / progress.total);
        bar.value = percent;
        status.textContent = form.dataset.uploading.replace('{percent}', String(percent));
      });
      // The server answers with the import's page (a 303 the browser has followed).
      request.addEventListener('load', () => {
        if (request.status === 200 && request.responseURL) location.assign(request.responseURL);
        else failed(request.status);
      });
      request.addEventListener('error', () => failed(0));
      form.querySelector('button[type=submit]').disabled = true;
      bar.hidden = false;
      request.send(file);
    });

    function failed(code) {
      form.querySelector('button[type=submit]').disabled = false;
      status.textContent = form.dataset.failed.replace('{status}', String(code));
    }
  }
})();
