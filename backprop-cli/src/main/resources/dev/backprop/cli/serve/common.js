// Shared by the pages of 'backprop serve': JSON polling, bounded point buffers and uPlot charts.
'use strict';

const BP = (function () {
  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  // A chart keeps at most this many points per series: a page left open for hours stays small and fast.
  const MAX_POINTS = 2000;

  async function json(url) {
    const r = await fetch(url, {cache: 'no-store'});
    const body = await r.json().catch(() => ({error: 'HTTP ' + r.status}));
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  }

  // Columns [x, y1, y2, ...] of at most MAX_POINTS rows. When full, every other row is dropped and from then on
  // only every stride-th row is kept, so the rows stay evenly spread over the whole run; the newest row is always
  // shown, kept or not.
  class Buffer {
    constructor(columns) {
      this.cols = Array.from({length: columns}, () => []);
      this.stride = 1;
      this.seen = 0;
      this.last = null;
    }
    push(row) {
      const keep = this.seen % this.stride === 0;
      this.seen++;
      this.last = keep ? null : row;
      if (!keep) return;
      row.forEach((v, i) => this.cols[i].push(v));
      if (this.cols[0].length > MAX_POINTS) {
        this.cols = this.cols.map(c => c.filter((_, i) => i % 2 === 0));
        this.stride *= 2;
      }
    }
    view() {
      if (!this.last) return this.cols;
      return this.cols.map((c, i) => c.concat([this.last[i]]));
    }
    clear() {
      this.cols = this.cols.map(() => []);
      this.stride = 1;
      this.seen = 0;
      this.last = null;
    }
  }

  function finiteOrNull(v, log) {
    return typeof v === 'number' && isFinite(v) && (!log || v > 0) ? v : null;
  }

  // A chart in a <figure class="chart" id=...> inside container; data-points and data-series tell a test (or a
  // curious person) how many points and how many non-empty series it draws.
  class Chart {
    constructor(container, id, title, xLabel, yLabel, names, opts) {
      opts = opts || {};
      this.log = !!opts.log;
      this.figure = document.createElement('figure');
      this.figure.className = 'chart';
      this.figure.id = id;
      this.figure.dataset.points = '0';
      this.figure.dataset.series = '0';
      container.appendChild(this.figure);
      if (opts.caption) {
        const c = document.createElement('figcaption');
        c.textContent = opts.caption;
        this.figure.appendChild(c);
      }
      const series = [{label: xLabel}].concat(names.map((n, i) => ({
        label: n,
        stroke: (opts.colors && opts.colors[i]) || PALETTE[i % PALETTE.length],
        dash: opts.dashes && opts.dashes[i] ? [6, 4] : undefined,
        width: 1.5,
        spanGaps: true,
        points: {show: false},
      })));
      const y = this.log ? {distr: 3} : (opts.range ? {range: opts.range} : {});
      // x positions of resumes, drawn as dashed vertical lines labelled 'resumed'
      this.marks = [];
      this.figure.dataset.marks = '0';
      const self = this;
      this.plot = new uPlot({
        plugins: [{hooks: {draw: [u => self.drawMarks(u)]}}],
        title: title,
        width: this.width(),
        height: 260,
        scales: {x: {time: false}, y: y},
        series: series,
        axes: [{label: xLabel}, {label: yLabel, size: 70, values: (u, vals) => vals.map(format)}],
        legend: {live: true},
        cursor: {drag: {x: true, y: false}},
      }, Array.from({length: names.length + 1}, () => []), this.figure);
      this.names = names;
      this.figure.addEventListener('bp-resize', () => this.plot.setSize({width: this.width(), height: 260}));
    }
    width() {
      // two charts side by side where the window is wide enough, else one
      const room = this.figure.parentElement.clientWidth || 660;
      return Math.floor(Math.max(300, Math.min(640, room >= 900 ? (room - 40) / 2 : room - 20)));
    }
    drawMarks(u) {
      if (this.marks.length === 0) return;
      const ctx = u.ctx;
      const box = u.bbox;
      ctx.save();
      ctx.strokeStyle = '#444';
      ctx.fillStyle = '#444';
      ctx.lineWidth = 1;
      ctx.setLineDash([5, 4]);
      ctx.font = '11px sans-serif';
      this.marks.forEach(x => {
        const px = u.valToPos(x, 'x', true);
        if (!isFinite(px) || px < box.left || px > box.left + box.width) return;
        ctx.beginPath();
        ctx.moveTo(px, box.top);
        ctx.lineTo(px, box.top + box.height);
        ctx.stroke();
        ctx.fillText('resumed', px + 3, box.top + 12);
      });
      ctx.restore();
    }
    // xs: where the run was resumed, in this chart's x unit (epoch or step)
    setMarks(xs) {
      this.marks = xs.slice();
      this.figure.dataset.marks = String(this.marks.length);
      this.plot.redraw(false);
    }
    // data: columns [x, y1, ...]
    set(data) {
      const clean = data.map((c, i) => i === 0 ? c : c.map(v => finiteOrNull(v, this.log)));
      this.plot.setData(clean);
      this.figure.dataset.points = String(clean[0].length);
      this.figure.dataset.series = String(clean.slice(1).filter(c => c.some(v => v !== null)).length);
    }
    destroy() {
      this.plot.destroy();
      this.figure.remove();
    }
  }

  function format(v) {
    if (v === null || v === undefined) return '';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0).replace('e+', 'e');
    return String(+v.toPrecision(4));
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function runUrl(name) {
    return '/runs/' + encodeURIComponent(name);
  }

  function api(name) {
    return '/api/runs/' + encodeURIComponent(name);
  }

  // Reads a run's metrics.jsonl incrementally: keeps the offset, line and file identity the server returns.
  class Tail {
    constructor(name) {
      this.name = name;
      this.since = 0;
      this.line = 0;
      this.file = '';
    }
    async next() {
      const q = 'since=' + this.since + '&line=' + this.line + (this.file ? '&file=' + encodeURIComponent(this.file) : '');
      const c = await json(api(this.name) + '/metrics?' + q);
      this.since = c.next;
      this.line = c.next_line;
      this.file = c.file || '';
      return c;
    }
  }

  window.addEventListener('resize', () => {
    document.querySelectorAll('figure.chart').forEach(f => f.dispatchEvent(new Event('bp-resize')));
  });

  return {json, Buffer, Chart, Tail, format, el, runUrl, api, PALETTE, MAX_POINTS};
})();
