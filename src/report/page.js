// The report page: a view over the run's trace, embedded once as JSON in #run-data.
// Messages and marks are drawn on a canvas, only for the visible time window, so a
// run of 10,000+ events pans and zooms smoothly; the few fault regions and the
// violation marker are DOM elements over it, so they carry readable text.
'use strict';
(function () {
  const run = JSON.parse(document.getElementById('run-data').textContent);
  const trace = run.trace;
  const LABEL_WIDTH = 150;
  const TICKS = 24;
  const AXIS = TICKS + 22; // time ticks, then a row for the violation / end-of-run flag
  const LANE_BASE = 40;
  const FIELD_ROW = 15;
  const $ = (id) => document.getElementById(id);

  // ---------- derived view of the trace ----------
  const laneIndex = new Map(run.lanes.map((id, i) => [id, i]));
  const lanesCount = run.lanes.length;
  const fieldsOf = run.lanes.map(() => []);
  const clockSamples = run.lanes.map(() => []); // [t, local] per lane, in time order
  const copies = new Map(); // message id -> deliveries
  const flights = [];
  for (const e of trace) {
    if (e.kind === 'deliver') {
      copies.set(e.id, (copies.get(e.id) || 0) + 1);
      flights.push(e.t - e.sentAt);
    }
    if ('local' in e && laneIndex.has(e.node)) clockSamples[laneIndex.get(e.node)].push([e.t, e.local]);
    if (e.kind === 'state') {
      const fields = fieldsOf[laneIndex.get(e.node)];
      for (const k of Object.keys(e.fields)) if (!fields.includes(k)) fields.push(k);
    }
  }
  flights.sort((a, b) => a - b);
  const p90 = flights.length ? flights[Math.floor(flights.length * 0.9)] : 0;
  const delayedOver = flights.length >= 10 ? Math.max(2 * p90, p90 + 1000) : Infinity;
  const maxFlight = trace.reduce((m, e) => (e.kind === 'deliver' || e.kind === 'drop' ? Math.max(m, e.t - e.sentAt) : m), 0);

  const messageType = (msg) => {
    if (msg && typeof msg === 'object') return String(msg.op ?? msg.type ?? msg.kind ?? 'message');
    return typeof msg;
  };
  const typeOf = (e) => (e.kind === 'deliver' || e.kind === 'drop' ? 'msg:' + messageType(e.msg) : e.kind);
  const eventType = trace.map(typeOf);

  // Annotations: each field of a lane keeps its value until changed, cleared by null or a crash.
  const segments = run.lanes.map(() => []);
  {
    const open = run.lanes.map(() => new Map());
    const close = (lane, field, t) => {
      const seg = open[lane].get(field);
      if (seg) { seg.to = t; open[lane].delete(field); }
    };
    for (const e of trace) {
      if (e.kind === 'state') {
        const lane = laneIndex.get(e.node);
        for (const [field, value] of Object.entries(e.fields)) {
          const current = open[lane].get(field);
          const text = value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
          if (current && current.value === text) continue;
          close(lane, field, e.t);
          if (text !== null) {
            const seg = { field, row: fieldsOf[lane].indexOf(field), value: text, colour: valueColour(text), from: e.t, to: run.endTime };
            segments[lane].push(seg);
            open[lane].set(field, seg);
          }
        }
      } else if (e.kind === 'fault' && e.fault.kind === 'crash' && laneIndex.has(e.fault.node)) {
        const lane = laneIndex.get(e.fault.node);
        for (const field of [...open[lane].keys()]) close(lane, field, e.t);
      }
    }
  }

  // Fault regions, from each fault event to its recover event (or the end of the run).
  const regions = [];
  {
    const pending = [];
    for (let i = 0; i < trace.length; i++) {
      const e = trace[i];
      if (e.kind === 'fault') pending.push({ fault: e.fault, from: e.t, to: undefined, index: i });
      if (e.kind === 'recover') {
        const key = JSON.stringify(e.fault);
        const p = pending.find((x) => x.to === undefined && JSON.stringify(x.fault) === key);
        if (p) p.to = e.t;
      }
    }
    const sign = (d) => (d >= 0 ? '+' : '−') + duration(Math.abs(d));
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k];
      const f = p.fault;
      // A clock marker's label stops where the node's next clock marker begins.
      const nextClock = pending.slice(k + 1).find((q) => q.fault.node === f.node && q.fault.kind.startsWith('clock-'));
      const to = p.to ?? run.endTime;
      const add = (node, cls, label) => {
        if (laneIndex.has(node)) regions.push({ lane: laneIndex.get(node), cls, label, from: p.from, to, next: nextClock ? nextClock.from : Infinity, index: p.index });
      };
      switch (f.kind) {
        case 'pause': add(f.node, 'pause', 'paused ' + duration(f.duration)); break;
        case 'crash': add(f.node, 'crash', f.restartAfter === undefined ? 'crashed' : 'crashed, restarts'); break;
        case 'partition':
          f.groups.forEach((g, k) => g.forEach((n) => add(n, 'partition side-' + (k % 3), 'partition: side ' + String.fromCharCode(65 + k) + ' [' + g.join(' ') + ']')));
          break;
        case 'partition-oneway':
          f.from.forEach((n) => add(n, 'partition side-0', 'cannot send to ' + f.to.join(' ')));
          f.to.forEach((n) => add(n, 'partition side-1', 'cannot hear from ' + f.from.join(' ')));
          break;
        case 'partition-bridge':
          f.left.forEach((n) => add(n, 'partition side-0', 'partition: left [' + f.left.join(' ') + ']'));
          f.right.forEach((n) => add(n, 'partition side-1', 'partition: right [' + f.right.join(' ') + ']'));
          add(f.bridge, 'partition side-2', 'bridge: reaches both sides');
          break;
        case 'degrade':
          regions.push({ lane: -1, cls: 'degrade', from: p.from, to, index: p.index,
            label: 'network degraded: loss ' + pct(f.loss) + ', duplicate ' + pct(f.duplicate) + ', reorder ' + pct(f.reorder) });
          break;
        case 'clock-jump': add(f.node, 'clock', 'clock ' + sign(f.delta)); break;
        case 'clock-drift': add(f.node, 'clock', 'drift ' + (f.ppm >= 0 ? '+' : '') + f.ppm + 'ppm'); break;
      }
    }
  }

  const violation = trace.findIndex((e) => e.kind === 'violation');
  const involved = new Set(violation >= 0 ? trace[violation].nodes : []);
  // The events involved: each involved node's last facts before the violation.
  const highlighted = new Set();
  if (violation >= 0) {
    for (const node of involved) {
      let found = 0;
      for (let i = violation; i >= 0 && found < 2; i--) {
        const e = trace[i];
        if (e.kind === 'fact' && e.node === node) { highlighted.add(i); found++; }
      }
    }
  }

  // ---------- formatting ----------
  function seconds(t) {
    const sign = t < 0 ? '-' : '';
    const a = Math.abs(t);
    return sign + Math.floor(a / 1e6) + '.' + String(a % 1e6).padStart(6, '0') + 's';
  }
  function duration(d) {
    const a = Math.abs(d);
    if (a >= 1e6) return +(d / 1e6).toFixed(3) + 's';
    if (a >= 1e3) return +(d / 1e3).toFixed(3) + 'ms';
    return d + 'µs';
  }
  function pct(p) { return Math.round(p * 100) + '%'; }
  function compact(v, max) {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > max ? s.slice(0, max - 1) + '…' : s;
  }
  function describeFault(f) {
    switch (f.kind) {
      case 'partition': return 'partition ' + f.groups.map((g) => '[' + g.join(' ') + ']').join(' | ') + ' for ' + duration(f.duration);
      case 'partition-oneway': return 'one-way partition [' + f.from.join(' ') + '] -/-> [' + f.to.join(' ') + '] for ' + duration(f.duration);
      case 'partition-bridge': return 'bridge partition [' + f.left.join(' ') + '] | [' + f.right.join(' ') + '] via ' + f.bridge + ' for ' + duration(f.duration);
      case 'degrade': return 'network degraded for ' + duration(f.duration);
      case 'pause': return 'pause ' + f.node + ' for ' + duration(f.duration);
      case 'crash': return 'crash ' + f.node + (f.restartAfter === undefined ? ' (stays down)' : ', restart after ' + duration(f.restartAfter));
      case 'clock-jump': return 'clock of ' + f.node + ' jumps ' + (f.delta >= 0 ? '+' : '-') + duration(Math.abs(f.delta));
      case 'clock-drift': return 'clock of ' + f.node + ' drifts ' + f.ppm + 'ppm';
    }
    return f.kind;
  }
  function summary(e) {
    switch (e.kind) {
      case 'deliver': return e.from + ' → ' + e.node + '  ' + compact(e.msg, 120);
      case 'drop': return e.from + ' → ' + e.node + ' LOST (' + e.reason + ')  ' + compact(e.msg, 120);
      case 'timer': return e.node + ' timer ' + compact(e.timer, 80);
      case 'timeout': return e.node + ' gave up waiting for ' + e.waitingFor.join(', ');
      case 'fact': return e.node + ' ● ' + e.fact + ' ' + compact(e.data, 120);
      case 'log': return e.node + ' “' + e.text + '”';
      case 'state': return e.node + ' = ' + compact(e.fields, 120);
      case 'fault': return '⚡ ' + describeFault(e.fault);
      case 'recover': return 'over: ' + describeFault(e.fault);
      case 'violation': return '✗ ' + e.property + ': ' + e.message;
      case 'end': return 'end (' + e.reason + ')';
    }
    return e.kind;
  }
  const PALETTE = ['#0e7490', '#a21caf', '#b45309', '#15803d', '#1d4ed8', '#be123c', '#0891b2', '#9333ea', '#a16207', '#16a34a', '#2563eb'];
  function nodeColour(node) {
    let h = 0;
    for (let i = 0; i < node.length; i++) h = (h * 31 + node.charCodeAt(i)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }
  function valueColour(text) {
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
    return 'hsl(' + (h % 360) + ', 70%, 88%)';
  }

  // ---------- header ----------
  $('title').textContent = run.scenario;
  $('seed').textContent = ' · seed ' + run.seed;
  $('description').textContent = run.description + ' (expected: ' + run.expect + ')';
  const verdict = $('verdict');
  if (run.violation) {
    verdict.className = 'violation';
    verdict.textContent = '✗ ' + run.violation.property + ' violated at ' + seconds(run.violation.t) + ': ' + run.violation.message;
  } else if (run.outcome === 'budget') {
    verdict.className = 'budget';
    verdict.textContent = '✗ event budget exhausted at ' + seconds(run.endTime) + ': a hang or livelock';
  } else {
    verdict.className = 'ok';
    verdict.textContent = '✓ no property violated in ' + seconds(run.endTime) + ' of simulated time';
  }
  $('stats').textContent = trace.length + ' events · ' + run.stats.delivered + ' delivered · ' + run.stats.dropped + ' lost · ' + run.stats.facts + ' facts';
  if (violation < 0) $('jump').textContent = 'Jump to end';

  const faultList = $('faults');
  for (const r of trace.map((e, i) => [e, i]).filter(([e]) => e.kind === 'fault')) {
    const li = document.createElement('li');
    li.textContent = seconds(r[0].t) + '  ' + describeFault(r[0].fault);
    li.addEventListener('click', () => { select(r[1]); centerOn(r[0].t); });
    faultList.appendChild(li);
  }
  if (!faultList.children.length) faultList.textContent = 'none';

  // ---------- filters ----------
  const shownNodes = new Set(run.lanes);
  const types = [...new Set(trace.map(typeOf))].filter((k) => !['fault', 'recover', 'violation', 'end'].includes(k)).sort();
  const shownTypes = new Set(types);
  function checkboxMenu(container, items, set, label, attr) {
    const actions = document.createElement('div');
    actions.className = 'menu-actions';
    for (const [text, all] of [['all', true], ['none', false]]) {
      const b = document.createElement('button');
      b.textContent = text;
      b.addEventListener('click', () => {
        for (const it of items) (all ? set.add(it) : set.delete(it));
        syncMenus();
        draw();
      });
      actions.appendChild(b);
    }
    container.appendChild(actions);
    for (const it of items) {
      const l = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      box.setAttribute(attr, it);
      box.addEventListener('change', () => {
        box.checked ? set.add(it) : set.delete(it);
        syncMenus();
        draw();
      });
      l.appendChild(box);
      l.appendChild(document.createTextNode(' ' + label(it)));
      container.appendChild(l);
    }
  }
  checkboxMenu($('node-menu'), run.lanes, shownNodes, (n) => n, 'data-node');
  checkboxMenu($('type-menu'), types, shownTypes, (t) => (t.startsWith('msg:') ? 'message ' + t.slice(4) : t), 'data-type');
  function syncMenus() {
    for (const box of document.querySelectorAll('#node-menu input')) box.checked = shownNodes.has(box.getAttribute('data-node'));
    for (const box of document.querySelectorAll('#type-menu input')) box.checked = shownTypes.has(box.getAttribute('data-type'));
    $('node-summary').textContent = 'Nodes: ' + (shownNodes.size === run.lanes.length ? 'all' : shownNodes.size + ' of ' + run.lanes.length);
    $('type-summary').textContent = 'Events: ' + (shownTypes.size === types.length ? 'all' : shownTypes.size + ' of ' + types.length);
    document.querySelectorAll('.lane-label').forEach((el) => el.classList.toggle('solo', shownNodes.size === 1 && shownNodes.has(el.dataset.node)));
  }
  // An event is shown when its type is on and it concerns a node that is on.
  function visible(e, i) {
    if (!shownTypes.has(eventType[i])) return false;
    if (e.kind === 'deliver' || e.kind === 'drop') return shownNodes.has(e.node) || shownNodes.has(e.from);
    return shownNodes.has(e.node);
  }

  // ---------- layout ----------
  const laneTop = [];
  const laneHeight = [];
  {
    let y = AXIS;
    run.lanes.forEach((_, i) => {
      laneTop.push(y);
      laneHeight.push(LANE_BASE + fieldsOf[i].length * FIELD_ROW);
      y += laneHeight[i];
    });
  }
  const totalHeight = AXIS + laneHeight.reduce((a, b) => a + b, 0) + 8;
  const laneY = (i) => laneTop[i] + 16;
  const labels = $('labels');
  run.lanes.forEach((id, i) => {
    const el = document.createElement('div');
    el.className = 'lane-label' + (involved.has(id) ? ' involved' : '');
    el.dataset.node = id;
    el.style.top = laneTop[i] + 'px';
    el.style.height = laneHeight[i] + 'px';
    el.title = 'Click: show only ' + id + "'s events (click again: all nodes)";
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = id;
    name.style.color = involved.has(id) ? '' : nodeColour(id);
    const clock = document.createElement('span');
    clock.className = 'clock';
    el.appendChild(name);
    el.appendChild(clock);
    el.addEventListener('click', () => {
      const solo = shownNodes.size === 1 && shownNodes.has(id);
      shownNodes.clear();
      for (const n of solo ? run.lanes : [id]) shownNodes.add(n);
      syncMenus();
      draw();
    });
    labels.appendChild(el);
  });
  labels.style.height = totalHeight + 'px';
  $('lanes-box').style.height = totalHeight + 'px';

  const canvas = $('canvas');
  const ctx = canvas.getContext('2d');
  const overlay = $('overlay');
  const plot = $('plot');
  let width = 0;
  const span = Math.max(run.endTime, 1);
  const view = { start: 0, end: span };
  const x = (t) => ((t - view.start) / (view.end - view.start)) * width;
  const tAt = (px) => view.start + (px / width) * (view.end - view.start);

  function resize() {
    width = Math.max(200, $('view').clientWidth - LABEL_WIDTH);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(totalHeight * dpr);
    canvas.style.width = width + 'px';
    canvas.style.height = totalHeight + 'px';
    plot.style.height = totalHeight + 'px';
    overlay.style.height = totalHeight + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw();
  }

  function setWindow(start, end) {
    const minSpan = 50;
    let len = Math.max(minSpan, Math.min(end - start, span * 1.05));
    let s = start;
    if (s < -span * 0.025) s = -span * 0.025;
    if (s + len > span * 1.025) s = span * 1.025 - len;
    view.start = s;
    view.end = s + len;
    draw();
  }
  function centerOn(t, len) {
    const l = len ?? view.end - view.start;
    setWindow(t - l / 2, t + l / 2);
  }

  // First index whose time is >= t (the trace is in time order).
  function firstAt(t) {
    let lo = 0;
    let hi = trace.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (trace[mid].t < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // ---------- drawing ----------
  let drawn = [];
  let shownSegments = [];
  let selected = -1;
  let frame = 0;
  function draw() {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; paint(); });
  }
  function paint() {
    ctx.clearRect(0, 0, width, totalHeight);
    drawn = [];
    shownSegments = [];
    paintLanes();
    paintAxis();
    const from = firstAt(view.start);
    const to = firstAt(view.end + maxFlight + 1);
    // Dense traffic fades (overlaps then read as darker), and text appears once it fits.
    let messages = 0;
    for (let i = from; i < to; i++) if (trace[i].kind === 'deliver' || trace[i].kind === 'drop') messages++;
    const alpha = Math.max(0.2, Math.min(1, width / 2 / Math.max(1, messages)));
    const labelsOn = to - from < width / 12;
    // Zoomed out, ordinary messages become one path of distinct pixel-rounded lines
    // without arrowheads: thousands of them land on the same pixels anyway.
    plain = messages > width / 3 ? new Map() : undefined;
    for (let i = from; i < to; i++) {
      const e = trace[i];
      if (!('node' in e) || !visible(e, i)) continue;
      if (e.kind === 'deliver' || e.kind === 'drop') {
        if (e.sentAt > view.end) continue;
        ctx.globalAlpha = selected === i || highlighted.has(i) || e.kind === 'drop' ? 1 : alpha;
        paintMessage(e, i, labelsOn);
        ctx.globalAlpha = 1;
      } else if (e.t <= view.end) {
        paintMark(e, i, labelsOn);
      }
    }
    if (plain) {
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = '#6b7785';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const [x1, y1, x2, y2] of plain.values()) { ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    paintAnnotations();
    paintSelection();
    paintOverlay();
    $('window-label').textContent = seconds(Math.max(0, Math.round(view.start))) + ' – ' + seconds(Math.round(view.end)) + ' (' + duration(Math.round(view.end - view.start)) + ')';
  }
  function paintLanes() {
    run.lanes.forEach((id, i) => {
      if (i % 2) { ctx.fillStyle = '#fafbfc'; ctx.fillRect(0, laneTop[i], width, laneHeight[i]); }
      if (involved.has(id)) { ctx.fillStyle = 'rgba(217,45,32,0.05)'; ctx.fillRect(0, laneTop[i], width, laneHeight[i]); }
      ctx.strokeStyle = '#eef1f4';
      ctx.beginPath(); ctx.moveTo(0, laneTop[i] + laneHeight[i] - 0.5); ctx.lineTo(width, laneTop[i] + laneHeight[i] - 0.5); ctx.stroke();
      ctx.strokeStyle = shownNodes.has(id) ? '#aab4be' : '#e3e7eb';
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(Math.max(0, x(0)), laneY(i) + 0.5); ctx.lineTo(Math.min(width, x(run.endTime)), laneY(i) + 0.5); ctx.stroke();
    });
  }
  function paintAxis() {
    const len = view.end - view.start;
    const raw = len / Math.max(1, width / 110);
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw);
    ctx.fillStyle = '#f6f8fa';
    ctx.fillRect(0, 0, width, TICKS);
    ctx.fillStyle = '#57606a';
    ctx.strokeStyle = '#d8dde3';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(px, TICKS - 6); ctx.lineTo(px, totalHeight); ctx.stroke();
      ctx.fillText(axisLabel(t, step), px + 3, TICKS / 2);
    }
  }
  function axisLabel(t, step) {
    const decimals = Math.max(0, Math.min(6, 6 - Math.floor(Math.log10(step))));
    return (t / 1e6).toFixed(decimals) + 's';
  }
  function paintAnnotations() {
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    segments.forEach((segs, lane) => {
      if (!shownNodes.has(run.lanes[lane])) return;
      const painted = []; // per row: the last pixel column a sub-pixel band was painted in
      for (const s of segs) {
        if (s.to < view.start || s.from > view.end) continue;
        const x0 = Math.max(0, x(s.from));
        const x1 = Math.min(width, x(s.to));
        const y = laneTop[lane] + 30 + s.row * FIELD_ROW;
        if (x1 - x0 < 1) {
          if (painted[s.row] === Math.floor(x0)) continue;
          painted[s.row] = Math.floor(x0);
        }
        ctx.fillStyle = s.colour;
        // A value still held when the run stopped (often: at the violation) stays visible.
        ctx.fillRect(x0, y, Math.max(s.to === run.endTime ? 4 : 1, x1 - x0), FIELD_ROW - 2);
        ctx.fillStyle = '#1d232a';
        if (x1 - x0 > 30) {
          ctx.save();
          ctx.beginPath(); ctx.rect(x0, y, x1 - x0, FIELD_ROW); ctx.clip();
          ctx.fillText(s.field + ': ' + s.value, x0 + 3, y + FIELD_ROW / 2 - 1);
          ctx.restore();
        }
        shownSegments.push({ segment: s, lane, x0, x1, y0: y, y1: y + FIELD_ROW - 2 });
      }
    });
  }
  function arrowHead(x1, y1, x2, y2) {
    const a = Math.atan2(y2 - y1, x2 - x1);
    ctx.beginPath();
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - 7 * Math.cos(a - 0.4), y2 - 7 * Math.sin(a - 0.4));
    ctx.lineTo(x2 - 7 * Math.cos(a + 0.4), y2 - 7 * Math.sin(a + 0.4));
    ctx.closePath();
    ctx.fill();
  }
  function cross(cx, cy, colour) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(cx - 4, cy - 4); ctx.lineTo(cx + 4, cy + 4); ctx.moveTo(cx + 4, cy - 4); ctx.lineTo(cx - 4, cy + 4);
    ctx.stroke();
  }
  let plain;
  function paintMessage(e, i, labelsOn) {
    const from = laneIndex.get(e.from);
    const to = laneIndex.get(e.node);
    if (from === undefined || to === undefined) return;
    const x1 = x(e.sentAt);
    const y1 = laneY(from);
    let x2 = x(e.t);
    let y2 = laneY(to);
    let colour = '#6b7785';
    let dash = [];
    let lineWidth = 1;
    let tag = '';
    if (e.kind === 'drop') {
      colour = '#d92d20'; dash = [4, 3]; tag = 'lost: ' + e.reason;
      if (e.t === e.sentAt) { x2 = x1 + 14; y2 = y1 + (y2 - y1) * 0.35; }
    } else if ((copies.get(e.id) || 0) > 1) {
      colour = '#dc6803'; dash = [6, 3]; tag = 'duplicate';
    } else if (e.t - e.sentAt > delayedOver) {
      colour = '#7a2e98'; lineWidth = 2.5; tag = 'delayed ' + duration(e.t - e.sentAt);
    }
    if (selected === i || highlighted.has(i)) { lineWidth += 1.5; colour = selected === i ? '#0b63ce' : colour; }
    drawn.push(i);
    if (plain && !tag && lineWidth === 1) {
      const rx1 = Math.round(x1);
      const rx2 = Math.round(x2);
      plain.set(((rx1 * lanesCount + from) * 1e5 + rx2) * lanesCount + to, [rx1, y1, rx2, y2]);
      return;
    }
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = lineWidth;
    ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
    ctx.setLineDash([]);
    if (e.kind === 'drop') cross(x2, y2, colour); else arrowHead(x1, y1, x2, y2);
    if (labelsOn && Math.hypot(x2 - x1, y2 - y1) > 70) {
      ctx.fillStyle = colour;
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillText(messageType(e.msg) + (tag ? ' (' + tag + ')' : ''), (x1 + x2) / 2 + 4, (y1 + y2) / 2 - 5);
    }
  }
  function paintMark(e, i, labelsOn) {
    const lane = laneIndex.get(e.node);
    if (lane === undefined) return;
    const cx = x(e.t);
    const cy = laneY(lane);
    const on = selected === i;
    ctx.lineWidth = 1.5;
    switch (e.kind) {
      case 'timer':
        ctx.strokeStyle = on ? '#0b63ce' : '#667085';
        ctx.beginPath(); ctx.arc(cx, cy, 3.5, 0, 2 * Math.PI); ctx.stroke();
        ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(cx, cy - 3); ctx.stroke();
        break;
      case 'timeout':
        ctx.fillStyle = on ? '#0b63ce' : '#dc6803';
        ctx.beginPath(); ctx.moveTo(cx, cy - 6); ctx.lineTo(cx + 5, cy + 3); ctx.lineTo(cx - 5, cy + 3); ctx.closePath(); ctx.fill();
        if (labelsOn) { ctx.font = '10px system-ui, sans-serif'; ctx.fillText('timeout', cx + 6, cy + 9); }
        break;
      case 'fact':
        if (highlighted.has(i)) {
          ctx.strokeStyle = '#d92d20'; ctx.lineWidth = 2.5;
          ctx.beginPath(); ctx.arc(cx, cy, 8, 0, 2 * Math.PI); ctx.stroke();
        }
        ctx.fillStyle = on ? '#0b63ce' : '#1d232a';
        ctx.beginPath(); ctx.arc(cx, cy, 4, 0, 2 * Math.PI); ctx.fill();
        if (labelsOn || highlighted.has(i)) { ctx.font = '10px system-ui, sans-serif'; ctx.fillText(e.fact, cx + 5, cy - 8); }
        break;
      case 'log':
        ctx.fillStyle = on ? '#0b63ce' : '#98a2b3';
        ctx.fillRect(cx - 2.5, cy - 2.5, 5, 5);
        break;
      case 'state':
        ctx.strokeStyle = on ? '#0b63ce' : '#98a2b3';
        ctx.beginPath(); ctx.moveTo(cx, cy + 4); ctx.lineTo(cx, laneTop[lane] + 30); ctx.stroke();
        break;
      default:
        return;
    }
    drawn.push(i);
  }

  function paintSelection() {
    if (!drawn.includes(selected)) return;
    const h = pointOf(selected);
    ctx.strokeStyle = '#0b63ce';
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(h.x, h.y, 9, 0, 2 * Math.PI); ctx.stroke();
  }

  // Fault regions and the violation marker: few, and they carry text, so they are DOM.
  function paintOverlay() {
    overlay.textContent = '';
    for (const r of regions) {
      if (r.to < view.start || r.from > view.end) continue;
      if (r.lane >= 0 && !shownNodes.has(run.lanes[r.lane])) continue;
      const el = document.createElement('div');
      el.className = 'region ' + r.cls;
      const x0 = x(r.from);
      const x1 = r.cls === 'clock' ? x0 + Math.min(90, x(r.next) - x0 - 2) : x(r.to);
      const left = Math.max(-2, x0);
      el.style.left = left + 'px';
      el.style.width = Math.max(2, Math.min(width + 2, x1) - left) + 'px';
      if (r.lane >= 0) {
        el.style.top = laneTop[r.lane] + 1 + 'px';
        el.style.height = laneHeight[r.lane] - 2 + 'px';
        el.dataset.node = run.lanes[r.lane];
      } else {
        el.style.top = AXIS + 'px';
        el.style.bottom = '0';
      }
      el.title = r.label;
      const label = document.createElement('span');
      label.textContent = r.label;
      el.appendChild(label);
      overlay.appendChild(el);
    }
    const end = trace[trace.length - 1];
    const markAt = violation >= 0 ? trace[violation].t : end ? end.t : run.endTime;
    if (markAt >= view.start && markAt <= view.end) {
      const m = document.createElement('div');
      m.className = 'marker ' + (violation >= 0 ? 'violation' : 'end') + (x(markAt) > width * 0.6 ? ' flip' : '');
      m.style.left = x(markAt) - 1 + 'px';
      m.style.top = TICKS + 'px';
      const flag = document.createElement('div');
      flag.className = 'flag';
      flag.textContent = violation >= 0
        ? '✗ ' + trace[violation].property + ': ' + trace[violation].message
        : '✓ end of run (' + (end ? end.reason : 'time-up') + '): no property violated';
      const room = x(markAt) > width * 0.6 ? x(markAt) : width - x(markAt);
      flag.style.maxWidth = Math.max(120, room - 12) + 'px';
      m.appendChild(flag);
      overlay.appendChild(m);
    }
  }

  // ---------- interaction ----------
  // Where an event is drawn: a message at its delivery (or loss), a mark on its lane.
  function pointOf(i) {
    const e = trace[i];
    const lane = laneIndex.get(e.node);
    if (e.kind === 'drop' && e.t === e.sentAt) {
      const from = laneY(laneIndex.get(e.from));
      return { x: x(e.t) + 14, y: from + (laneY(lane) - from) * 0.35 };
    }
    return { x: x(e.t), y: laneY(lane) };
  }
  // The drawn event nearest to a point (within 8 px; a message also by its sending end), else the annotation band under it.
  function nearest(px, py) {
    let best;
    let bestD = 64;
    for (const i of drawn) {
      const e = trace[i];
      const p = pointOf(i);
      let d = (p.x - px) ** 2 + (p.y - py) ** 2;
      if (e.kind === 'deliver' || e.kind === 'drop') d = Math.min(d, (x(e.sentAt) - px) ** 2 + (laneY(laneIndex.get(e.from)) - py) ** 2);
      if (d < bestD) { bestD = d; best = { i }; }
    }
    if (best) return best;
    const band = shownSegments.find((b) => px >= b.x0 && px <= b.x1 && py >= b.y0 && py <= b.y1);
    return band && { segment: band.segment, lane: band.lane };
  }
  function laneAt(py) {
    for (let i = 0; i < laneTop.length; i++) if (py >= laneTop[i] && py < laneTop[i] + laneHeight[i]) return i;
    return -1;
  }
  // A node's clock at true time t, from its offset at the last event it recorded: exact
  // unless its clock drifts or jumped since (an event's own `local` is always exact).
  function clockAt(lane, t) {
    const samples = clockSamples[lane];
    let lo = 0;
    let hi = samples.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (samples[mid][0] <= t) lo = mid + 1; else hi = mid; }
    const s = samples[Math.max(0, lo - 1)];
    return s ? t + (s[1] - s[0]) : undefined;
  }
  function offsetText(local, t) {
    const d = local - t;
    return d === 0 ? 'in step with true time' : (d > 0 ? '+' : '−') + duration(Math.abs(d)) + ' off true time';
  }
  const tooltip = $('tooltip');
  function showTooltip(ev, text) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    const left = Math.min(ev.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
    tooltip.style.left = left + 'px';
    tooltip.style.top = ev.clientY + 16 + 'px';
  }
  function hover(ev) {
    const r = canvas.getBoundingClientRect();
    const px = ev.clientX - r.left;
    const py = ev.clientY - r.top;
    const h = nearest(px, py);
    const lane = laneAt(py);
    const t = Math.round(tAt(px));
    document.querySelectorAll('.lane-label .clock').forEach((el, i) => {
      const local = clockAt(i, t);
      el.textContent = local === undefined ? '' : 'its clock ≈ ' + seconds(local);
    });
    if (h && h.segment) {
      showTooltip(ev, run.lanes[h.lane] + ' ' + h.segment.field + ': ' + h.segment.value + '\nfrom ' + seconds(h.segment.from) + ' to ' + seconds(h.segment.to) + ' (true time)');
    } else if (h) {
      const e = trace[h.i];
      let text = summary(e) + '\ntrue time ' + seconds(e.t);
      if ('local' in e) text += '\n' + e.node + "'s clock " + seconds(e.local) + ' (' + offsetText(e.local, e.t) + ')';
      if (e.kind === 'deliver' || e.kind === 'drop') text += '\nsent ' + seconds(e.sentAt) + ', in flight ' + duration(e.t - e.sentAt);
      showTooltip(ev, text);
    } else if (lane >= 0 && t >= 0 && t <= run.endTime) {
      const local = clockAt(lane, t);
      showTooltip(ev, run.lanes[lane] + ' at true time ' + seconds(t) + (local === undefined ? '' : '\nits clock ≈ ' + seconds(local) + ' (' + offsetText(local, t) + ', read from its last event)'));
    } else {
      tooltip.style.display = 'none';
    }
  }
  function select(i) {
    selected = i;
    const e = trace[i];
    const box = $('details');
    box.textContent = '';
    const times = document.createElement('div');
    times.className = 'times';
    let text = 'Event #' + i + ' at true time ' + seconds(e.t);
    if ('local' in e) text += ' · ' + e.node + "'s clock " + seconds(e.local) + ' (' + offsetText(e.local, e.t) + ')';
    if (e.kind === 'deliver' || e.kind === 'drop') {
      text += ' · in flight ' + duration(e.t - e.sentAt);
      if ((copies.get(e.id) || 0) > 1) text += ' · delivered ' + copies.get(e.id) + ' times (duplicated)';
    }
    times.textContent = text;
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(e, null, 2);
    box.appendChild(times);
    box.appendChild(pre);
    draw();
  }

  let drag;
  canvas.addEventListener('mousedown', (ev) => {
    drag = { x: ev.clientX, start: view.start, end: view.end, moved: false };
    canvas.classList.add('dragging');
  });
  window.addEventListener('mousemove', (ev) => {
    if (drag) {
      const dx = ev.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (drag.moved) {
        const dt = (dx / width) * (drag.end - drag.start);
        setWindow(drag.start - dt, drag.end - dt);
      }
      tooltip.style.display = 'none';
    } else if (ev.target === canvas) {
      hover(ev);
    } else {
      tooltip.style.display = 'none';
    }
  });
  window.addEventListener('mouseup', (ev) => {
    if (!drag) return;
    const wasClick = !drag.moved;
    drag = undefined;
    canvas.classList.remove('dragging');
    if (wasClick && ev.target === canvas) {
      const r = canvas.getBoundingClientRect();
      const h = nearest(ev.clientX - r.left, ev.clientY - r.top);
      if (h && h.i !== undefined) select(h.i);
    }
  });
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    const len = view.end - view.start;
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      const d = ((ev.shiftKey ? ev.deltaY : ev.deltaX) / width) * len;
      setWindow(view.start + d, view.end + d);
      return;
    }
    const at = tAt(ev.clientX - r.left);
    const factor = Math.exp(ev.deltaY * 0.0015);
    setWindow(at - (at - view.start) * factor, at + (view.end - at) * factor);
  }, { passive: false });
  const zoom = (factor) => {
    const mid = (view.start + view.end) / 2;
    const half = ((view.end - view.start) * factor) / 2;
    setWindow(mid - half, mid + half);
  };
  $('zoom-in').addEventListener('click', () => zoom(0.5));
  $('zoom-out').addEventListener('click', () => zoom(2));
  $('fit').addEventListener('click', () => setWindow(-span * 0.01, span * 1.01));
  $('jump').addEventListener('click', () => {
    const target = violation >= 0 ? violation : trace.length - 1;
    const t = trace[target].t;
    const len = Math.min(span, Math.max(2e5, span / 20));
    setWindow(t - len * 0.8, t + len * 0.2);
    if (violation >= 0) select(violation);
  });
  const jumpToViolation = () => $('jump').click();
  window.addEventListener('keydown', (ev) => {
    if (ev.key === '+' || ev.key === '=') zoom(0.5);
    else if (ev.key === '-') zoom(2);
    else if (ev.key === 'ArrowLeft') setWindow(view.start - (view.end - view.start) * 0.2, view.end - (view.end - view.start) * 0.2);
    else if (ev.key === 'ArrowRight') setWindow(view.start + (view.end - view.start) * 0.2, view.end + (view.end - view.start) * 0.2);
  });
  window.addEventListener('resize', resize);

  // For the browser tests: where an event is drawn, and which events are drawn.
  window.simReport = {
    lanes: run.lanes,
    drawnEvents: () => drawn.slice(),
    // Annotation bands painted now, with their centres in page coordinates.
    drawnAnnotations() {
      const r = canvas.getBoundingClientRect();
      return shownSegments.map((b) => ({
        node: run.lanes[b.lane], field: b.segment.field, value: b.segment.value, x: r.left + (b.x0 + b.x1) / 2, y: r.top + (b.y0 + b.y1) / 2,
      }));
    },
    positionOf(i) {
      if (!drawn.includes(i)) return null;
      const h = pointOf(i);
      const r = canvas.getBoundingClientRect();
      return { x: r.left + h.x, y: r.top + h.y };
    },
    setWindow,
    paintNow: paint,
    settled: () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))),
  };

  syncMenus();
  view.start = -span * 0.01;
  view.end = span * 1.01;
  resize();
  // A violating run opens where it failed; Fit shows the whole run.
  if (violation >= 0) jumpToViolation();
})();
