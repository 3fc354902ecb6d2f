// One run, live: polls the run's metrics.jsonl from the last offset and its status and findings, and draws them.
'use strict';
(function () {
  const body = document.body;
  const name = body.dataset.run;
  const tail = new BP.Tail(name);
  const epochCharts = document.getElementById('epoch-charts');
  const stepCharts = document.getElementById('step-charts');
  let status = 'running';
  let config = null;
  let evalName = 'test';
  let epochs = null;      // {loss, acc, buf}
  let steps = null;       // [{chart, buf, column}]
  let epochCount = 0, stepCount = 0, polls = 0, lastInfo = 0, findingsShown = -1;

  function showError(msg) {
    const e = document.getElementById('error');
    e.hidden = !msg;
    e.textContent = msg || '';
  }

  function setStatus(s) {
    status = s;
    const b = document.getElementById('status');
    b.textContent = s;
    b.className = 'badge ' + s;
    body.dataset.status = s;
  }

  async function refreshInfo() {
    lastInfo = Date.now();
    const info = await BP.json(BP.api(name));
    setStatus(info.status);
    showError(info.error ? info.error : (info.warning || ''));
    const links = document.getElementById('links');
    links.textContent = '';
    if (info.report && info.status !== 'running') {
      links.appendChild(BP.el('a', {href: BP.runUrl(name) + '/report.html', class: 'small'}, 'report'));
    }
    if (info.config && !config) {
      config = info.config;
      evalName = Number(config['val-split']) > 0 ? 'validation' : 'test';
      renderConfig(config);
    }
    renderFindings(info.finding_list || []);
    renderSummary(info);
  }

  function renderSummary(info) {
    const parts = [];
    if (info.epochs !== undefined) {
      parts.push('epoch ' + info.epochs + (config && config.epochs ? ' of ' + config.epochs : ''));
    }
    if (typeof info.last_loss === 'number') parts.push('training loss ' + BP.format(info.last_loss));
    if (typeof info.best_accuracy === 'number') parts.push('best ' + evalName + ' accuracy ' + BP.format(info.best_accuracy));
    if (info.started) parts.push('started ' + info.started.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
    if (info.status === 'stopped') parts.push('no change for ten minutes: interrupted? continue it with backprop train --resume');
    document.getElementById('summary').textContent = parts.join(' · ');
  }

  function renderConfig(c) {
    const t = document.getElementById('config');
    t.textContent = '';
    (function walk(prefix, v) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        Object.entries(v).forEach(([k, x]) => walk(prefix ? prefix + '.' + k : k, x));
      } else {
        const tr = BP.el('tr');
        tr.appendChild(BP.el('th', {}, prefix));
        tr.appendChild(BP.el('td', {}, typeof v === 'string' ? v : JSON.stringify(v)));
        t.appendChild(tr);
      }
    })('', c);
  }

  function renderFindings(list) {
    body.dataset.findings = String(list.length);
    if (list.length === findingsShown) return;
    findingsShown = list.length;
    const ul = document.getElementById('finding-list');
    ul.textContent = '';
    if (list.length === 0) {
      ul.appendChild(BP.el('li', {class: 'hint'}, status === 'running' ? 'none so far' : 'no problems found'));
    }
    list.forEach(f => {
      const li = BP.el('li', {class: 'finding'});
      li.appendChild(BP.el('span', {class: 'badge kind'}, f.kind));
      const where = (f.layer_name ? f.layer_name + (f.path ? ' (' + f.path + ')' : '') + ', ' : '') + 'step ' + f.step;
      li.appendChild(BP.el('span', {class: 'where'}, ' ' + where + ': '));
      li.appendChild(document.createTextNode(f.message));
      ul.appendChild(li);
    });
  }

  function ensureEpochCharts(first) {
    if (epochs) return;
    const hasTrainAcc = Object.prototype.hasOwnProperty.call(first, 'train_accuracy');
    const loss = new BP.Chart(epochCharts, 'chart-loss', 'Loss', 'epoch', 'loss',
      ['training loss', evalName + ' loss'], {dashes: [false, true]});
    const accNames = hasTrainAcc ? ['training accuracy', evalName + ' accuracy'] : [evalName + ' accuracy'];
    const acc = new BP.Chart(epochCharts, 'chart-accuracy', 'Accuracy', 'epoch', 'accuracy', accNames,
      {range: [0, 1], colors: hasTrainAcc ? ['#1f77b4', '#d62728'] : ['#d62728']});
    epochs = {loss: loss, acc: acc, hasTrainAcc: hasTrainAcc, buf: new BP.Buffer(5)};
  }

  // Which step charts to draw, and from which column of a layer entry:
  // [index, weight grad norm, output grad norm, update ratio, saturated, dead].
  const STEP_CHARTS = [
    {id: 'chart-grad-norm', title: 'Weight gradient norm ‖∂L/∂W‖', y: 'norm (log)', column: 1, log: true},
    {id: 'chart-output-grad', title: 'Gradient flowing into each layer', y: '‖∂L/∂output‖ (log)', column: 2, log: true},
    {id: 'chart-update-ratio', title: 'Update ratio ‖ΔW‖/‖W‖', y: 'ratio (log)', column: 3, log: true},
    {id: 'chart-saturated', title: 'Saturated units (sigmoid, tanh)', y: 'fraction', column: 4, range: [0, 1]},
    {id: 'chart-dead', title: 'Dead units (ReLU family)', y: 'fraction', column: 5, range: [0, 1]},
  ];

  function ensureStepCharts(chunk) {
    if (steps || chunk.steps.length === 0) return;
    document.getElementById('no-steps').hidden = true;
    steps = [];
    const labels = chunk.layers;
    const global = new BP.Chart(stepCharts, 'chart-step-loss', 'Batch loss and gradient norm', 'step', 'value (log)',
      ['batch loss', 'global gradient norm', 'first-to-last gradient ratio'], {log: true});
    steps.push({chart: global, buf: new BP.Buffer(4), row: s => [s[0], s[2], s[3], s[4]]});
    STEP_CHARTS.forEach(spec => {
      // the layers that have this value, from the chunk's steps
      const layers = [];
      chunk.steps.forEach(s => s[5].forEach(l => {
        if (l[spec.column] !== null && !layers.includes(l[0])) layers.push(l[0]);
      }));
      if (layers.length === 0) return;
      layers.sort((a, b) => a - b);
      const chart = new BP.Chart(stepCharts, spec.id, spec.title, 'step', spec.y,
        layers.map(i => labels[String(i)] || ('layer ' + i)), {log: spec.log, range: spec.range});
      steps.push({chart: chart, buf: new BP.Buffer(layers.length + 1), row: s => {
        const byIndex = new Map(s[5].map(l => [l[0], l[spec.column]]));
        return [s[0]].concat(layers.map(i => byIndex.has(i) ? byIndex.get(i) : null));
      }});
    });
  }

  // Where the run was resumed: the last epoch and step before each resume (metrics.jsonl's "resume" lines).
  let resumes = [];

  function applyMarks() {
    // an epoch chart marks the seam between the last epoch before the resume and the first after it
    if (epochs) {
      const xs = resumes.map(r => r.epoch + 0.5);
      epochs.loss.setMarks(xs);
      epochs.acc.setMarks(xs);
    }
    if (steps) steps.forEach(c => c.chart.setMarks(resumes.map(r => r.step + 0.5)));
    body.dataset.resumes = String(resumes.length);
  }

  function reset() {
    resumes = [];
    if (epochs) { epochs.loss.destroy(); epochs.acc.destroy(); }
    if (steps) steps.forEach(s => s.chart.destroy());
    epochs = null;
    steps = null;
    epochCount = stepCount = 0;
    document.getElementById('no-steps').hidden = false;
  }

  function apply(chunk) {
    if (chunk.reset) reset();
    if (chunk.errors && chunk.errors.length) showError(chunk.errors.join('; '));
    if (chunk.epochs.length) {
      ensureEpochCharts(chunk.epochs[0]);
      chunk.epochs.forEach(e => epochs.buf.push([e.epoch, e.train_loss, e.test_loss,
        epochs.hasTrainAcc ? e.train_accuracy : null, e.test_accuracy]));
      epochCount += chunk.epochs.length;
      const v = epochs.buf.view();
      epochs.loss.set([v[0], v[1], v[2]]);
      epochs.acc.set(epochs.hasTrainAcc ? [v[0], v[3], v[4]] : [v[0], v[4]]);
    }
    if (chunk.steps.length) {
      ensureStepCharts(chunk);
      chunk.steps.forEach(s => steps.forEach(c => c.buf.push(c.row(s))));
      stepCount += chunk.steps.length;
      steps.forEach(c => c.chart.set(c.buf.view()));
    }
    if (chunk.resumes && chunk.resumes.length) resumes = resumes.concat(chunk.resumes);
    applyMarks();
    body.dataset.epochs = String(epochCount);
    body.dataset.steps = String(stepCount);
  }

  async function poll() {
    try {
      if (!document.hidden) {
        if (Date.now() - lastInfo > 2500) await refreshInfo();
        let c;
        do {
          c = await tail.next();
          apply(c);
        } while (c.more);
        polls++;
        body.dataset.polls = String(polls);
      }
    } catch (e) {
      showError('cannot read the run: ' + e.message);
    }
    setTimeout(poll, status === 'running' ? 1000 : 5000);
  }

  poll();
})();
