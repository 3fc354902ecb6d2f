// The list of runs: refreshes its table every few seconds, and builds the compare link from the ticked runs.
'use strict';
(function () {
  const button = document.getElementById('compare');
  const ticked = new Set();

  function wire() {
    document.querySelectorAll('#runs input[type=checkbox]').forEach(box => {
      box.checked = ticked.has(box.value);
      box.addEventListener('change', () => {
        if (box.checked) ticked.add(box.value); else ticked.delete(box.value);
        button.disabled = ticked.size < 2;
      });
    });
  }

  button.addEventListener('click', () => {
    location.href = '/compare?runs=' + Array.from(ticked).map(encodeURIComponent).join(',');
  });

  async function refresh() {
    if (!document.hidden) {
      try {
        const r = await fetch('/', {cache: 'no-store'});
        const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
        const fresh = doc.getElementById('runs');
        if (fresh) document.getElementById('runs').replaceWith(document.adoptNode(fresh));
        wire();
      } catch (e) {
        // the server stopped: keep what is shown
      }
    }
    setTimeout(refresh, 5000);
  }

  wire();
  setTimeout(refresh, 5000);
})();
