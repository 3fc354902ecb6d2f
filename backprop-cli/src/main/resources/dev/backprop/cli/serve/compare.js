// Runs overlaid: per run, its epoch lines and epoch diagnostics (read incrementally), drawn on shared charts.
'use strict';
(function () {
  const params = new URLSearchParams(location.search);
  const names = (params.get('runs') || '').split(',').filter(n => n.length > 0);
  const runs = names.map(n => ({name: n, tail: new BP.Tail(n), epochs: new BP.Buffer(5), diag: new BP.Buffer(2),
    failed: null}));
  const container = document.getElementById('compare-charts');
  const body = document.body;
  let charts = null;

  function showError(msg) {
    const e = document.getElementById('error');
    e.hidden = !msg;
    e.textContent = msg || '';
  }

  async function differ() {
    const d = await BP.json('/api/compare?runs=' + names.map(encodeURIComponent).join(','));
    const t = document.getElementById('differ');
    t.textContent = '';
    const head = BP.el('tr');
    head.appendChild(BP.el('th', {}, 'setting'));
    d.runs.forEach(n => head.appendChild(BP.el('th', {}, n)));
    t.appendChild(head);
    if (d.differ.length === 0) {
      const tr = BP.el('tr');
      tr.appendChild(BP.el('td', {colspan: String(d.runs.length + 1), class: 'hint'}, 'the configurations are the same'));
      t.appendChild(tr);
    }
    d.differ.forEach(row => {
      const tr = BP.el('tr');
      tr.appendChild(BP.el('th', {}, row.key));
      row.values.forEach(v => tr.appendChild(BP.el('td', {}, v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v))));
      t.appendChild(tr);
    });
    const errs = Object.entries(d.errors || {}).map(([n, m]) => n + ': ' + m);
    if (errs.length) showError(errs.join('; '));
    body.dataset.differ = String(d.differ.length);
  }

  function build() {
    charts = [
      {chart: new BP.Chart(container, 'chart-train-loss', 'Training loss', 'epoch', 'loss', names), col: 1, buf: 'epochs'},
      {chart: new BP.Chart(container, 'chart-eval-loss', 'Evaluation loss', 'epoch', 'loss', names), col: 2, buf: 'epochs'},
      {chart: new BP.Chart(container, 'chart-accuracy', 'Evaluation accuracy', 'epoch', 'accuracy', names,
        {range: [0, 1]}), col: 3, buf: 'epochs'},
      {chart: new BP.Chart(container, 'chart-ratio', 'First-to-last gradient ratio (epoch mean)', 'epoch',
        'ratio (log)', names, {log: true}), col: 1, buf: 'diag'},
    ];
  }

  function draw() {
    charts.forEach(c => {
      const tables = runs.map(r => {
        const v = r[c.buf].view();
        return [v[0], v[c.col]];
      });
      // uPlot.join aligns the runs' x values (epochs) into one table; a run without a value at an x gets null
      const joined = tables.every(t => t[0].length === 0) ? [[]].concat(names.map(() => []))
        : uPlot.join(tables.map(t => t[0].length ? t : [[0], [null]]));
      c.chart.set(joined);
    });
  }

  async function poll() {
    let running = false;
    for (const r of runs) {
      try {
        let c;
        do {
          c = await r.tail.next();
          if (c.reset) { r.epochs.clear(); r.diag.clear(); }
          c.epochs.forEach(e => r.epochs.push([e.epoch, e.train_loss, e.test_loss, e.test_accuracy, e.train_accuracy]));
          c.diagnostics.forEach(d => r.diag.push([d[0], d[1]]));
        } while (c.more);
        r.failed = null;
      } catch (e) {
        r.failed = e.message;
      }
      running = running || r.failed === null;
    }
    const failed = runs.filter(r => r.failed).map(r => r.name + ': ' + r.failed);
    if (failed.length) showError(failed.join('; '));
    draw();
    body.dataset.polls = String(Number(body.dataset.polls || 0) + 1);
    setTimeout(poll, document.hidden ? 10000 : 2000);
  }

  if (names.length === 0) {
    showError('no runs named: open /compare?runs=A,B');
    return;
  }
  build();
  differ().catch(e => showError(e.message));
  poll();
})();
