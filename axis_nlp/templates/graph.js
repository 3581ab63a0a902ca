/* The evidence graph view: group columns (bone | immune | brain ...), a small force layout inside
   them, edges coloured by consensus direction and thickened by documents, filters, evidence panel.
   URL hash: #select=EDGE_INDEX, #node=NODE_KEY, #min-docs=N (used for screenshots and tests).
   When drawn, <body data-ready="1" data-nodes=N data-edges=M> tells how much is visible. */
(function () {
  "use strict";
  var el = AX.el, svg = AX.svg, clear = AX.clear;
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  var P = DATA.palette;
  var DIRECTIONS = ["increases", "decreases", "associated", "no_effect"];
  var EVIDENCE_TYPES = ["human", "animal", "in_vitro", "review"];
  var EVIDENCE_WORDS = { human: "human", animal: "animal", in_vitro: "in vitro", review: "review", unknown: "unstated" };
  var COL_W = 250, COL_GAP = 14, TOP = 58, MIN_GAP = 24;
  var LABEL_ABBR = { GENE_OR_PROTEIN: "GENE", CHEMICAL: "CHEM", CELL_TYPE: "CELL", DISEASE: "DIS",
                     PHENOTYPE_OR_PROCESS: "PHEN", ANATOMY: "ANAT", EXPOSURE: "EXPO" };

  var svgRoot = document.getElementById("graph");
  var viewport = document.getElementById("viewport");
  var gBands = document.getElementById("bands"), gEdges = document.getElementById("edges"), gNodes = document.getElementById("nodes");
  var tooltip = document.getElementById("tooltip");
  var panel = document.getElementById("panel");

  function typeColour(label) { return P.entities[label] || P.unknown; }
  function dirColour(d) { return P.directions[d] || P.unknown; }
  function labelName(label) { return (label || "unknown type").toLowerCase().replace(/_/g, " "); }

  // ------------------------------------------------------------------ model
  var nodes = DATA.nodes.map(function (n, i) {
    return Object.assign({}, n, { index: i, x: 0, y: 0, vx: 0, vy: 0, out: [], inc: [], placed: false,
                                  r: 6 + Math.min(13, 3.2 * Math.sqrt(n.docs)) });
  });
  var edges = DATA.edges.map(function (e) {
    var edge = Object.assign({}, e, { source: nodes[e.s], target: nodes[e.t],
                                      width: Math.min(12, 1.6 + 2.3 * Math.log2(Math.max(1, e.docs))) });
    edge.source.out.push(edge); edge.target.inc.push(edge);
    return edge;
  });
  var maxDocs = edges.reduce(function (m, e) { return Math.max(m, e.docs); }, 1);
  var state = { minDocs: 1, dirs: new Set(DIRECTIONS), hedging: "any", contestedOnly: false, humanOnly: false, search: "",
                edge: null, node: null, paper: null };
  var view = { x: 0, y: 0, w: 800, h: 600 };
  var columns = {};          // group -> {x, w, index}
  var size = { w: 800, h: 600 };
  var visibleEdges = [], visibleNodes = [];

  // ------------------------------------------------------------------ filters
  function passes(e) {
    if (e.docs < state.minDocs || !state.dirs.has(e.consensus)) return false;
    if (state.contestedOnly && !e.contested) return false;
    if (state.humanOnly && !(e.ev_docs && e.ev_docs.human)) return false;
    if (state.hedging === "asserted" && e.hedged >= 1) return false;
    if (state.hedging === "hedged" && e.hedged <= 0) return false;
    return true;
  }
  function computeVisible() {
    visibleEdges = edges.filter(passes);
    var seen = new Set();
    visibleEdges.forEach(function (e) { seen.add(e.source.index); seen.add(e.target.index); });
    visibleNodes = nodes.filter(function (n) { return seen.has(n.index); });
  }

  // ------------------------------------------------------------------ layout
  function hash(text) {  // deterministic jitter: FNV-1a
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
    return ((h >>> 0) % 10000) / 10000;
  }
  function labelWidth(n) { return Math.min(200, 7 * Math.min(30, n.name.length) + 8); }

  function layout(warm) {
    var order = P.group_order.slice();
    visibleNodes.forEach(function (n) { if (order.indexOf(n.group) < 0) order.push(n.group); });
    var groups = order.filter(function (g) { return visibleNodes.some(function (n) { return n.group === g; }); });
    var box = svgRoot.getBoundingClientRect();
    var availW = (box.width || 900) - 24, availH = (box.height || 600) - 24;
    var ncols = Math.max(1, groups.length);
    var colW = Math.max(150, Math.min(320, (availW - (ncols - 1) * COL_GAP) / ncols));
    columns = {};
    groups.forEach(function (g, i) { columns[g] = { index: i, x: i * (colW + COL_GAP), w: colW }; });
    var perGroup = {};
    visibleNodes.forEach(function (n) { (perGroup[n.group] = perGroup[n.group] || []).push(n); });
    var tallest = Math.max.apply(null, groups.map(function (g) { return perGroup[g].length; }).concat([1]));
    size.w = ncols * (colW + COL_GAP) - COL_GAP;
    // when the columns are wider than the canvas the view is scaled down: take the height that fills it then
    size.h = Math.max(420, availH / Math.min(1, availW / size.w), tallest * (MIN_GAP + 6) + TOP + 30);
    var mid = TOP + (size.h - TOP) / 2;

    groups.forEach(function (g) {
      var list = perGroup[g].slice().sort(function (a, b) { return b.docs - a.docs || a.name.localeCompare(b.name); });
      var col = columns[g];
      list.forEach(function (n, i) {
        if (warm && n.placed && n.group === g) { n.x = Math.min(Math.max(n.x, col.x + 20), col.x + col.w * 0.4); return; }
        var spread = (size.h - TOP - 40) / (list.length + 1);
        n.x = col.x + 26 + hash(n.key) * col.w * 0.2;
        n.y = TOP + 20 + spread * (i + 1) + (hash(n.key + "y") - 0.5) * 6;
        n.placed = true;
      });
    });

    var iterations = warm ? 120 : 320;
    var nodeList = visibleNodes;
    for (var it = 0; it < iterations; it++) {
      var alpha = 1 - it / iterations;
      nodeList.forEach(function (n) { n.vx = 0; n.vy = 0; });
      // springs along edges pull connected nodes to similar heights (fewer crossings)
      visibleEdges.forEach(function (e) {
        var a = e.source, b = e.target;
        if (a === b) return;
        var strength = 0.035 * Math.min(3, 1 + Math.log2(e.docs));
        var dy = b.y - a.y;
        a.vy += dy * strength; b.vy -= dy * strength;
        if (a.group === b.group) {
          var dx = b.x - a.x, want = 0;
          a.vx += (dx - want) * 0.01; b.vx -= (dx - want) * 0.01;
        }
      });
      // repulsion between nodes of one column (labels sit side by side there)
      groups.forEach(function (g) {
        var list = perGroup[g];
        for (var i = 0; i < list.length; i++) {
          for (var j = i + 1; j < list.length; j++) {
            var a = list[i], b = list[j];
            var dy = b.y - a.y, dx = (b.x - a.x) * 0.35;
            var d2 = dx * dx + dy * dy + 1;
            if (d2 > 22000) continue;
            var f = 260 / d2;
            var d = Math.sqrt(d2);
            a.vy -= f * dy / d * 8; b.vy += f * dy / d * 8;
            a.vx -= f * dx / d * 3; b.vx += f * dx / d * 3;
          }
        }
      });
      nodeList.forEach(function (n) {
        var col = columns[n.group];
        n.vy += (mid - n.y) * 0.004;
        n.vx += (col.x + 26 + col.w * 0.12 - n.x) * 0.02;
        var step = 0.9 * alpha + 0.1;
        n.x += Math.max(-12, Math.min(12, n.vx * step));
        n.y += Math.max(-18, Math.min(18, n.vy * step));
        n.x = Math.min(Math.max(n.x, col.x + 18), col.x + Math.max(40, col.w - labelWidth(n) - 14));
        n.y = Math.min(Math.max(n.y, TOP + 14), size.h - 20);
      });
    }
    // use the height: stretch the drawing vertically (keeps the order, at most 2x)
    var ys = nodeList.map(function (n) { return n.y; });
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys);
    if (ys.length > 1 && hi > lo) {
      var span = Math.min(size.h - TOP - 50, Math.max(160, tallest * 90));   // a sparse graph stays compact
      var scale = Math.min(2, span / (hi - lo));
      var top = TOP + 24 + ((size.h - TOP - 50) - (hi - lo) * scale) / 2;
      nodeList.forEach(function (n) { n.y = top + (n.y - lo) * scale; });
    }
    // final pass: no two labels of one column closer than MIN_GAP: push overlapping neighbours
    // apart symmetrically (keeps clusters where the forces put them), grow the canvas if needed
    groups.forEach(function (g) {
      var list = perGroup[g];
      var needH = list.length * MIN_GAP + TOP + 40;
      if (needH > size.h) size.h = needH;
      for (var pass = 0; pass < 60; pass++) {
        list.sort(function (a, b) { return a.y - b.y; });
        var moved = false;
        for (var i = 1; i < list.length; i++) {
          var gap = Math.max(MIN_GAP, (list[i - 1].r + list[i].r) * 0.9 + 6);
          var deficit = gap - (list[i].y - list[i - 1].y);
          if (deficit > 0.5) { list[i - 1].y -= deficit / 2; list[i].y += deficit / 2; moved = true; }
        }
        list.forEach(function (n) { n.y = Math.min(Math.max(n.y, TOP + 16), size.h - 22); });
        if (!moved) break;
      }
    });
  }

  // ------------------------------------------------------------------ geometry
  function edgeGeometry(e) {
    var s = e.source, t = e.target, w = e.width;
    var headLen = 6 + w * 1.2, headHalf = 3.5 + w * 0.9;
    if (s === t) {  // a self-loop above the node
      var x = s.x, y = s.y, r = s.r;
      return { d: "M" + (x - r * 0.6) + "," + (y - r * 0.8) + " C" + (x - 30) + "," + (y - 60) + " " + (x + 30) + "," + (y - 60) + " " + (x + r * 0.6) + "," + (y - r * 0.8),
               head: "", mid: { x: x, y: y - 46 } };
    }
    var dx = t.x - s.x, dy = t.y - s.y, dist = Math.sqrt(dx * dx + dy * dy) || 1;
    var nx = -dy / dist, ny = dx / dist;
    var bend = 0.06;
    if (e.reverse !== null && e.reverse !== undefined && isVisible(edges[e.reverse])) bend = 0.2;  // two arcs, one each way
    else if (s.group === t.group) { bend = 0.32; if (nx > 0) { nx = -nx; ny = -ny; } }             // same column: bow left, away from labels
    var cx = (s.x + t.x) / 2 + nx * bend * dist, cy = (s.y + t.y) / 2 + ny * bend * dist;
    function toward(p, q, len) { var ux = q.x - p.x, uy = q.y - p.y, l = Math.sqrt(ux * ux + uy * uy) || 1; return { x: p.x + ux / l * len, y: p.y + uy / l * len }; }
    var c = { x: cx, y: cy };
    var start = toward(s, c, s.r + 1.5);
    var tip = toward(t, c, t.r + 2);
    var base = toward(tip, c, headLen);
    var ux = (tip.x - base.x) / headLen, uy = (tip.y - base.y) / headLen;
    var head = "M" + tip.x + "," + tip.y + " L" + (base.x - uy * headHalf) + "," + (base.y + ux * headHalf) +
               " L" + (base.x + uy * headHalf) + "," + (base.y - ux * headHalf) + " Z";
    var mid = { x: 0.25 * start.x + 0.5 * cx + 0.25 * base.x, y: 0.25 * start.y + 0.5 * cy + 0.25 * base.y };
    return { d: "M" + start.x + "," + start.y + " Q" + cx + "," + cy + " " + base.x + "," + base.y, head: head, mid: mid };
  }
  var visibleSet = new Set();
  function isVisible(e) { return !!e && visibleSet.has(e.i); }

  // ------------------------------------------------------------------ drawing
  function draw() {
    clear(gBands); clear(gEdges); clear(gNodes);
    var counts = {};
    visibleNodes.forEach(function (n) { counts[n.group] = (counts[n.group] || 0) + 1; });
    Object.keys(columns).forEach(function (g) {
      var col = columns[g];
      gBands.appendChild(svg("g", { "class": "band", "data-group": g },
        svg("rect", { x: col.x, y: 0, width: col.w, height: size.h, rx: 14, fill: P.groups[g] || "#f1f1f1" }),
        svg("text", { x: col.x + 16, y: 30 }, g, svg("tspan", { "class": "count", dx: 8, text: String(counts[g] || 0) }))));
    });
    visibleEdges.forEach(function (e) {
      var geo = edgeGeometry(e);
      var colour = dirColour(e.consensus);
      var opacity = Math.max(0.4, 0.92 - 0.5 * e.hedged);
      var group = svg("g", { "class": "edge dir-" + e.consensus + (e.contested ? " contested" : "") + (e.reverse !== null ? " bidirectional" : ""),
                             "data-index": e.i, "data-source": e.source.key, "data-target": e.target.key });
      if (e.contested) group.appendChild(svg("path", { "class": "halo", d: geo.d, "stroke-width": e.width + 7 }));
      group.appendChild(svg("path", { "class": "line", d: geo.d, stroke: colour, "stroke-width": e.width, "stroke-opacity": opacity }));
      if (geo.head) group.appendChild(svg("path", { "class": "head", d: geo.head, fill: colour, "fill-opacity": opacity }));
      group.appendChild(svg("path", { "class": "hit", d: geo.d, "stroke-width": Math.max(14, e.width + 10) }));
      group.addEventListener("click", function (ev) { ev.stopPropagation(); selectEdge(e.i); });
      group.addEventListener("mousemove", function (ev) { showTip(ev, edgeTip(e)); });
      group.addEventListener("mouseleave", hideTip);
      e.dom = group;
      gEdges.appendChild(group);
    });
    visibleNodes.forEach(function (n) {
      var col = columns[n.group];
      var right = col && n.x < col.x + col.w - 60;
      var room = col ? (right ? col.x + col.w - n.x - n.r - 8 : n.x - col.x - n.r - 8) : 200;
      var maxChars = Math.max(8, Math.floor(room / 6.6));
      var g = svg("g", { "class": "node", "data-key": n.key, "data-group": n.group, transform: "translate(" + n.x + "," + n.y + ")" },
        svg("circle", { r: n.r, fill: typeColour(n.label) }),
        svg("text", { x: right ? n.r + 4 : -(n.r + 4), y: 4, "text-anchor": right ? "start" : "end",
                      text: n.name.length > maxChars ? n.name.slice(0, maxChars - 1) + "…" : n.name }));
      g.addEventListener("mousemove", function (ev) { showTip(ev, nodeTip(n)); });
      g.addEventListener("mouseleave", hideTip);
      g.addEventListener("pointerdown", function (ev) { startNodeDrag(ev, n); });
      n.dom = g;
      gNodes.appendChild(g);
    });
    applyHighlights();
    document.getElementById("empty").style.display = visibleEdges.length ? "none" : "flex";
    document.getElementById("shown").textContent = "Showing " + visibleEdges.length + " of " + edges.length + " edges · " +
      visibleNodes.length + " of " + nodes.length + " concepts";
    document.body.setAttribute("data-nodes", String(visibleNodes.length));
    document.body.setAttribute("data-edges", String(visibleEdges.length));
  }

  function redrawEdgesOf(n) {
    n.out.concat(n.inc).forEach(function (e) {
      if (!e.dom) return;
      var geo = edgeGeometry(e);
      Array.prototype.forEach.call(e.dom.querySelectorAll(".line, .hit, .halo"), function (p) { p.setAttribute("d", geo.d); });
      var head = e.dom.querySelector(".head");
      if (head) head.setAttribute("d", geo.head);
    });
  }

  function applyHighlights() {
    var near = new Set(), nearEdges = new Set();
    var focus = false;
    if (state.edge !== null && isVisible(edges[state.edge])) {
      var se = edges[state.edge];
      focus = true; nearEdges.add(se.i); near.add(se.source.index); near.add(se.target.index);
      if (se.reverse !== null && isVisible(edges[se.reverse])) nearEdges.add(se.reverse);
    } else if (state.node !== null) {
      var n = nodes[state.node];
      focus = true; near.add(n.index);
      n.out.concat(n.inc).forEach(function (e) { if (isVisible(e)) { nearEdges.add(e.i); near.add(e.source.index); near.add(e.target.index); } });
    } else if (state.paper !== null) {
      focus = true;
      visibleEdges.forEach(function (e) {
        if (e.doc_ids.indexOf(state.paper) >= 0) { nearEdges.add(e.i); near.add(e.source.index); near.add(e.target.index); }
      });
    }
    svgRoot.classList.toggle("focus", focus);
    visibleEdges.forEach(function (e) {
      e.dom.classList.toggle("near", nearEdges.has(e.i));
      e.dom.classList.toggle("selected", state.edge === e.i);
    });
    var query = state.search.trim().toLowerCase();
    visibleNodes.forEach(function (n) {
      n.dom.classList.toggle("near", near.has(n.index));
      n.dom.classList.toggle("selected", state.node === n.index);
      var hit = query.length > 1 && (n.name.toLowerCase().indexOf(query) >= 0 ||
        n.mentions.some(function (m) { return m.toLowerCase().indexOf(query) >= 0; }) || String(n.id || "").toLowerCase() === query);
      n.dom.classList.toggle("match", hit);
    });
    // the selected edge is drawn on top
    if (state.edge !== null && edges[state.edge].dom && isVisible(edges[state.edge])) gEdges.appendChild(edges[state.edge].dom);
  }

  function refresh(relayout) {
    computeVisible();
    visibleSet = new Set(visibleEdges.map(function (e) { return e.i; }));
    if (relayout) layout(true);
    draw();
  }

  // ------------------------------------------------------------------ pan, zoom, drag
  // The view is the SVG viewBox (preserveAspectRatio meet): the browser keeps the drawing fitted when
  // the element is resized, with no script (also for headless screenshots taken at another size).
  function applyView() { svgRoot.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
  function pixelScale() { var m = svgRoot.getScreenCTM(); return m ? m.a : 1; }
  function fit() {
    var box = svgRoot.getBoundingClientRect();
    var w = box.width || 800, h = box.height || 600, margin = 12;
    var cw = size.w + 2 * margin, ch = size.h + 2 * margin;
    var whole = Math.min(w / cw, h / ch), byWidth = w / cw;
    view = { x: -margin, y: -margin, w: cw, h: ch };
    if (whole < Math.min(0.6, byWidth)) view.h = h / byWidth;        // very tall: fit the width, start at the top
    var k = Math.min(w / view.w, h / view.h);
    if (k > 1.4) {                                                    // small graph: do not blow it up
      var grow = k / 1.4;
      view.x -= view.w * (grow - 1) / 2; view.y -= view.h * (grow - 1) / 2; view.w *= grow; view.h *= grow;
    }
    applyView();
  }
  function zoomAt(factor, clientX, clientY) {
    var m = svgRoot.getScreenCTM();
    if (!m) return;
    var k = pixelScale() * factor;
    if (k < 0.15 || k > 6) return;
    var px = (clientX - m.e) / m.a, py = (clientY - m.f) / m.d;      // the point under the cursor stays put
    view.x = px - (px - view.x) / factor; view.y = py - (py - view.y) / factor;
    view.w /= factor; view.h /= factor;
    applyView();
  }
  svgRoot.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX, ev.clientY);
  }, { passive: false });
  var pan = null;
  svgRoot.addEventListener("pointerdown", function (ev) {
    if (ev.target.closest && (ev.target.closest(".edge") || ev.target.closest(".node"))) return;
    pan = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, k: pixelScale(), moved: false };
    svgRoot.classList.add("panning");
  });
  window.addEventListener("pointermove", function (ev) {
    if (pan) {
      var dx = ev.clientX - pan.x, dy = ev.clientY - pan.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) pan.moved = true;
      view.x = pan.vx - dx / pan.k; view.y = pan.vy - dy / pan.k; applyView();
    } else if (drag) {
      var ddx = (ev.clientX - drag.x) / drag.k, ddy = (ev.clientY - drag.y) / drag.k;
      if (Math.abs(ddx) + Math.abs(ddy) > 2) drag.moved = true;
      if (drag.moved) {
        drag.node.x = drag.nx + ddx; drag.node.y = drag.ny + ddy;
        drag.node.dom.setAttribute("transform", "translate(" + drag.node.x + "," + drag.node.y + ")");
        redrawEdgesOf(drag.node);
      }
    }
  });
  window.addEventListener("pointerup", function () {
    if (pan) { svgRoot.classList.remove("panning"); if (!pan.moved) clearSelection(); pan = null; }
    if (drag) { if (!drag.moved) selectNode(drag.node.index); drag = null; }
  });
  var drag = null;
  function startNodeDrag(ev, n) { ev.stopPropagation(); hideTip(); drag = { node: n, x: ev.clientX, y: ev.clientY, nx: n.x, ny: n.y, k: pixelScale(), moved: false }; }
  function zoomCentre(factor) { var b = svgRoot.getBoundingClientRect(); zoomAt(factor, b.left + b.width / 2, b.top + b.height / 2); }
  document.getElementById("zoom-in").addEventListener("click", function () { zoomCentre(1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomCentre(0.8); });
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("relayout").addEventListener("click", function () {
    visibleNodes.forEach(function (n) { n.placed = false; });
    layout(false); draw(); fit();
  });

  // ------------------------------------------------------------------ tooltip
  function showTip(ev, content) {
    var box = document.getElementById("canvas").getBoundingClientRect();
    clear(tooltip).appendChild(content);
    tooltip.style.opacity = "1";
    var x = ev.clientX - box.left + 14, y = ev.clientY - box.top + 14;
    if (x + 320 > box.width) x = ev.clientX - box.left - 14 - tooltip.offsetWidth;
    if (y + tooltip.offsetHeight > box.height) y = ev.clientY - box.top - 14 - tooltip.offsetHeight;
    tooltip.style.left = x + "px"; tooltip.style.top = y + "px";
  }
  function hideTip() { tooltip.style.opacity = "0"; }
  // redrawing moves elements under the pointer without a mouseleave: hide the tooltip off edges and nodes
  svgRoot.addEventListener("mousemove", function (ev) {
    if (!(ev.target.closest && (ev.target.closest(".edge") || ev.target.closest(".node")))) hideTip();
  });
  svgRoot.addEventListener("mouseleave", hideTip);
  function edgeTip(e) {
    var parts = DIRECTIONS.filter(function (d) { return e.doc_counts[d]; })
      .map(function (d) { return AX.SIGNS[d] + " " + AX.WORDS[d] + " " + e.doc_counts[d]; });
    return el("div", null,
      el("b", null, e.source.name + " → " + e.target.name), el("br"),
      AX.WORDS[e.consensus] + " (" + AX.pct(e.confidence) + " of " + AX.plural(e.docs, "document") + ")", el("br"),
      el("span", { "class": "muted" }, "documents: " + parts.join(" · ")), el("br"),
      el("span", { "class": "muted" }, evidenceLine(e)), el("br"),
      el("span", { "class": "muted" }, AX.plural(e.triples, "sentence") + " · hedged " + AX.pct(e.hedged) +
        (e.contested ? " · contested" : e.conflict === "null" ? " · disputed by a null result" : "") +
        (e.reverse !== null ? " · both directions" : "")));
  }
  function nodeTip(n) {
    return el("div", null, el("b", null, n.name), el("br"),
      labelName(n.label) + " · " + n.group + (n.id ? " · " + n.id : ""), el("br"),
      el("span", { "class": "muted" }, AX.plural(n.docs, "document") + " · " + n.out.length + " effects · " + n.inc.length + " factors"));
  }

  // ------------------------------------------------------------------ side panel
  function nodeChip(n) {
    return el("span", { "class": "node-chip" },
      el("span", { "class": "type-tag", style: { background: typeColour(n.label) }, text: LABEL_ABBR[n.label] || "?" }), " ", n.name);
  }
  function intro() {
    clear(panel);
    panel.appendChild(el("h2", null, "Evidence"));
    panel.appendChild(el("p", { "class": "hint" }, "Click an edge to read the sentences behind it, or a concept to list what it acts on and what acts on it. " +
      "Drag a concept to move it; scroll to zoom; drag the background to pan."));
    var s = DATA.stats;
    panel.appendChild(el("div", { "class": "stats-grid" },
      stat(s.documents, "documents"), stat(s.triples, "triples"), stat(s.edges, "edges"),
      stat(s.nodes, "concepts"), stat(s.contested, "contested"), stat(s.bidirectional, "two-way edges")));
    var top = DATA.tables.top_factors.slice(0, 8);
    if (top.length) {
      panel.appendChild(el("h3", null, "Most supported factors"));
      var list = el("ul", { "class": "node-list" });
      top.forEach(function (row) {
        var n = nodes.filter(function (x) { return x.key === row.key; })[0];
        if (!n) return;
        list.appendChild(el("li", { onclick: function () { selectNode(n.index); } }, nodeChip(n), el("span", { "class": "n" }, AX.plural(row.documents, "doc"))));
      });
      panel.appendChild(list);
    }
  }
  function stat(v, k) { return el("div", { "class": "stat" }, el("div", { "class": "v" }, String(v)), el("div", { "class": "k" }, k)); }

  function dirBar(e) {
    var total = DIRECTIONS.reduce(function (a, d) { return a + e.doc_counts[d]; }, 0) || 1;
    return [
      el("div", { "class": "dirbar" }, DIRECTIONS.filter(function (d) { return e.doc_counts[d]; }).map(function (d) {
        return el("span", { style: { width: (100 * e.doc_counts[d] / total) + "%", background: dirColour(d) }, title: AX.WORDS[d] + ": " + e.doc_counts[d] });
      })),
      el("div", { "class": "dirbar-legend" }, DIRECTIONS.map(function (d) {
        return el("span", null, el("span", { "class": "swatch" + (d === "no_effect" ? " dashed" : ""), style: { background: dirColour(d) } }), " " + AX.WORDS[d] + " " + e.doc_counts[d] + " doc" + (e.doc_counts[d] === 1 ? "" : "s") + " / " + e.counts[d]);
      }))];
  }

  function evidenceLine(e) {  // "human 2 docs · animal 1 · in vitro 0 · review 0"
    var d = e.ev_docs || {};
    return EVIDENCE_TYPES.map(function (t, i) {
      var n = d[t] || 0;
      return EVIDENCE_WORDS[t] + " " + (i === 0 ? AX.plural(n, "doc") : n);
    }).join(" · ") + (d.unknown ? " · unstated " + d.unknown : "");
  }
  function evidenceTypes(e) {
    return el("div", { "class": "ev-types" },
      el("span", { "class": "ev-docs", title: "distinct documents per evidence type" }, evidenceLine(e)),
      el("span", { "class": "ev-causal", title: "causal claims / claims whose causality is known" },
        "causal share ", el("b", null, e.causal === null || e.causal === undefined ? "n/a" : AX.pct(e.causal))));
  }

  function showEdge(e) {
    clear(panel);
    panel.appendChild(el("h2", null, nodeChip(e.source), el("span", { "class": "arrow" }, "→"), nodeChip(e.target)));
    var badges = el("div", { "class": "meta" }, AX.badge(e.consensus, " · " + AX.pct(e.confidence)));
    if (e.contested) badges.appendChild(el("span", { "class": "badge contested", title: "documents disagree on the sign" }, "⚡ contested"));
    else if (e.conflict === "null") badges.appendChild(el("span", { "class": "badge contested", title: "a signed claim against a reported absence of effect" }, "null result"));
    if (e.reverse !== null) {
      var back = edges[e.reverse];
      badges.appendChild(el("button", { type: "button", "class": "reverse", onclick: function () { selectEdge(back.i); } },
        "⇄ also " + back.source.name + " → " + back.target.name));
    }
    panel.appendChild(badges);
    panel.appendChild(el("div", { "class": "stats-grid" }, stat(e.docs, "documents"), stat(e.triples, "sentences"), stat(AX.pct(e.hedged), "hedged")));
    panel.appendChild(el("div", null, dirBar(e)));
    panel.appendChild(evidenceTypes(e));
    var shown = e.evidence.length;
    panel.appendChild(el("h3", null, "Evidence · " + AX.plural(e.evidence_total, "sentence") + " in " + AX.plural(e.docs, "document") +
      (shown < e.evidence_total ? " (first " + shown + " shown)" : "")));
    var list = el("div", { "class": "evidence" });
    var byDoc = {};
    e.evidence.forEach(function (ev) { (byDoc[ev.doc] = byDoc[ev.doc] || []).push(ev); });
    Object.keys(byDoc).forEach(function (doc) {
      var card = el("div", { "class": "doc" },
        el("div", { "class": "doc-head" }, el("span", { "class": "id" }, doc),
          el("span", null, (byDoc[doc][0].section || "") )));
      byDoc[doc].forEach(function (ev) {
        var spans = [];
        if (ev.f) spans.push([ev.f[0], ev.f[1], "factor", e.source.name]);
        if (ev.e) spans.push([ev.e[0], ev.e[1], "effect", e.target.name]);
        card.appendChild(el("p", { "class": "sentence" }, AX.markText(ev.text, spans)));
        card.appendChild(el("div", { "class": "meta" }, AX.badge(ev.dir),
          ev.hedged ? el("span", { "class": "badge hedged", title: "stated as a possibility" }, "hedged") : null,
          ev.negated ? el("span", { "class": "badge plain" }, "negated") : null,
          ev.etype ? el("span", { "class": "badge plain", title: "evidence type" }, EVIDENCE_WORDS[ev.etype] || ev.etype) : null,
          ev.causal ? el("span", { "class": "badge plain", title: "stated as a cause" }, "causal") : null,
          el("span", null, "score " + ev.score.toFixed(2)),
          ev.trigger ? el("span", null, "· “" + ev.trigger + "”") : null,
          el("span", { title: "character offsets in the document" }, "· chars " + ev.start + "–" + ev.end)));
      });
      list.appendChild(card);
    });
    panel.appendChild(list);
    panel.scrollTop = 0;
  }

  function showNode(n) {
    clear(panel);
    panel.appendChild(el("h2", null, nodeChip(n)));
    panel.appendChild(el("div", { "class": "meta" }, el("span", { "class": "badge plain" }, labelName(n.label)),
      el("span", { "class": "badge plain" }, n.group), n.id ? el("span", { "class": "badge plain" }, n.id) : null));
    panel.appendChild(el("div", { "class": "stats-grid" }, stat(n.docs, "documents"), stat(n.out.length, "effects"), stat(n.inc.length, "factors")));
    if (n.mentions.length) panel.appendChild(el("p", { "class": "hint" }, "Written as: " + n.mentions.join(", ")));
    function edgeList(title, list, other) {
      if (!list.length) return;
      panel.appendChild(el("h3", null, title));
      var ul = el("ul", { "class": "node-list" });
      list.slice().sort(function (a, b) { return b.docs - a.docs; }).forEach(function (e) {
        ul.appendChild(el("li", { onclick: function () { selectEdge(e.i); }, "class": isVisible(e) ? null : "hidden-edge", title: isVisible(e) ? null : "hidden by the filters" },
          el("span", { "class": "swatch" + (e.consensus === "no_effect" ? " dashed" : ""), style: { background: dirColour(e.consensus) } }),
          nodeChip(other(e)), el("span", { "class": "n" }, AX.SIGNS[e.consensus] + " · " + AX.plural(e.docs, "doc"))));
      });
      panel.appendChild(ul);
    }
    edgeList("Acts on", n.out, function (e) { return e.target; });
    edgeList("Acted on by", n.inc, function (e) { return e.source; });
  }

  function selectEdge(i) {
    var e = edges[i];
    if (!e) return;
    state.edge = i; state.node = null; hideTip();
    if (!isVisible(e)) {  // make it visible: relax the filters that hide it
      state.minDocs = Math.min(state.minDocs, e.docs); state.dirs.add(e.consensus);
      state.contestedOnly = state.contestedOnly && e.contested; state.hedging = "any";
      state.humanOnly = state.humanOnly && !!(e.ev_docs && e.ev_docs.human);
      syncControls(); refresh(true);
    }
    applyHighlights();
    showEdge(e);
    document.body.setAttribute("data-selected-edge", String(i));
  }
  function selectNode(index) {
    state.node = index; state.edge = null;
    applyHighlights();
    showNode(nodes[index]);
    document.body.removeAttribute("data-selected-edge");
  }
  function clearSelection() {
    state.edge = null; state.node = null;
    applyHighlights(); intro();
    document.body.removeAttribute("data-selected-edge");
  }

  // ------------------------------------------------------------------ controls
  var minDocs = document.getElementById("min-docs"), minDocsValue = document.getElementById("min-docs-value");
  minDocs.max = String(maxDocs); minDocs.disabled = maxDocs <= 1;
  var dirBox = document.getElementById("dir-filter");
  DIRECTIONS.forEach(function (d) {
    var n = edges.filter(function (e) { return e.consensus === d; }).length;
    var box = el("input", { type: "checkbox", value: d, checked: true });
    box.addEventListener("change", function () { if (box.checked) state.dirs.add(d); else state.dirs.delete(d); refresh(true); });
    dirBox.appendChild(el("label", { title: n + " edges" }, box,
      el("span", { "class": "swatch" + (d === "no_effect" ? " dashed" : ""), style: { background: dirColour(d) } }), AX.WORDS[d]));
  });
  minDocs.addEventListener("input", function () { state.minDocs = +minDocs.value; minDocsValue.textContent = minDocs.value; refresh(true); });
  document.getElementById("hedging").addEventListener("change", function (ev) { state.hedging = ev.target.value; refresh(true); });
  document.getElementById("contested-only").addEventListener("change", function (ev) { state.contestedOnly = ev.target.checked; refresh(true); });
  var humanOnly = document.getElementById("human-only");
  var humanEdges = edges.filter(function (e) { return e.ev_docs && e.ev_docs.human; }).length;
  humanOnly.parentNode.title = humanEdges + " of " + edges.length + " edges have a human-evidence document";
  humanOnly.addEventListener("change", function (ev) { state.humanOnly = ev.target.checked; refresh(true); });
  document.getElementById("search").addEventListener("input", function (ev) { state.search = ev.target.value; applyHighlights(); });
  document.getElementById("search").addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var q = ev.target.value.trim().toLowerCase();
    var hit = visibleNodes.filter(function (n) { return n.name.toLowerCase().indexOf(q) >= 0; })[0];
    if (hit) selectNode(hit.index);
  });
  function syncControls() {
    minDocs.value = String(state.minDocs); minDocsValue.textContent = String(state.minDocs);
    Array.prototype.forEach.call(dirBox.querySelectorAll("input"), function (b) { b.checked = state.dirs.has(b.value); });
    document.getElementById("hedging").value = state.hedging;
    document.getElementById("contested-only").checked = state.contestedOnly;
    humanOnly.checked = state.humanOnly;
  }
  function focusPaper(doc) {
    state.paper = doc; state.edge = null; state.node = null;
    var holder = document.getElementById("paper-focus");
    clear(holder);
    if (doc !== null) {
      holder.hidden = false;
      holder.appendChild(el("span", { "class": "chip" }, "Paper: ", el("b", null, doc), " ",
        el("button", { type: "button", title: "Clear", onclick: function () { focusPaper(null); }, style: { padding: "0 6px" } }, "×")));
    } else holder.hidden = true;
    applyHighlights(); intro();
  }

  // ------------------------------------------------------------------ header, legend, tables
  function summary() {
    var s = DATA.stats, box = document.getElementById("summary");
    [["documents", s.documents], ["triples", s.triples], ["concepts", s.nodes], ["edges", s.edges]].forEach(function (p) {
      box.appendChild(el("span", { "class": "chip" }, el("b", null, String(p[1])), p[0]));
    });
    box.appendChild(el("span", { "class": "chip" + (s.contested ? " warn" : "") }, el("b", null, String(s.contested)), "contested"));
    if (DATA.shown_edges < s.edges) box.appendChild(el("span", { "class": "chip warn" }, "showing the " + DATA.shown_edges + " strongest edges"));
  }
  function legend() {
    var box = document.getElementById("legend");
    var types = [];
    nodes.forEach(function (n) { if (types.indexOf(n.label) < 0) types.push(n.label); });
    types.sort(function (a, b) { return P.labels.indexOf(a) - P.labels.indexOf(b); });
    function line(d, extra) {
      return svg("svg", { width: 30, height: 10 }, svg("line", Object.assign({ x1: 2, y1: 5, x2: 28, y2: 5, stroke: dirColour(d), "stroke-width": 3, "stroke-linecap": "round" }, extra || {})));
    }
    box.appendChild(el("div", { "class": "section" }, el("h4", null, "Concept type"),
      types.map(function (t) { return el("div", { "class": "row" }, el("span", { "class": "dot", style: { background: typeColour(t) } }), labelName(t)); })));
    box.appendChild(el("div", { "class": "section" }, el("h4", null, "Edge: consensus direction"),
      DIRECTIONS.map(function (d) { return el("div", { "class": "row" }, line(d, d === "no_effect" ? { "stroke-dasharray": "5 4" } : null), AX.SIGNS[d] + " " + AX.WORDS[d]); }),
      el("div", { "class": "row" }, svg("svg", { width: 30, height: 12 }, svg("line", { x1: 3, y1: 6, x2: 27, y2: 6, stroke: "#f2a516", "stroke-opacity": 0.5, "stroke-width": 9, "stroke-linecap": "round" }),
        svg("line", { x1: 3, y1: 6, x2: 27, y2: 6, stroke: dirColour("increases"), "stroke-width": 2.5 })), "contested (documents disagree)"),
      el("div", { "class": "row" }, "thicker = more documents · faded = mostly hedged · two arcs = both directions")));
  }
  function tables() {
    var T = DATA.tables;
    function dirCell(r) { return AX.badge(r.consensus); }
    AX.tabbedTables(document.getElementById("tabs"), document.getElementById("table-host"), [
      { id: "top_factors", label: "Top factors (" + T.top_factors.length + ")",
        csv: { name: "top_factors.csv", columns: Object.keys(T.top_factors[0] || { rank: 0 }), rows: T.top_factors },
        build: function () {
          return AX.table({ rows: T.top_factors, sortKey: "documents", empty: "No factor.", columns: [
            { key: "rank", label: "#", num: true }, { key: "factor", label: "Factor" }, { key: "group", label: "Group" },
            { key: "documents", label: "Documents", num: true }, { key: "triples", label: "Triples", num: true },
            { key: "effects", label: "Effects", num: true }, { key: "increases", label: "+", num: true, title: "increases (triples)" },
            { key: "decreases", label: "−", num: true, title: "decreases (triples)" }, { key: "associated", label: "~", num: true, title: "associated (triples)" },
            { key: "no_effect", label: "0", num: true, title: "no effect (triples)" }, { key: "contested_edges", label: "Contested", num: true },
            { key: "top_effects", label: "Strongest effects" }],
            onRow: function (r) { var n = nodes.filter(function (x) { return x.key === r.key; })[0]; if (n) { selectNode(n.index); scrollUp(); } } });
        } },
      { id: "contested", label: "Contested (" + T.contested.length + ")",
        csv: { name: "contested.csv", columns: Object.keys(T.contested[0] || { edge: 0 }), rows: T.contested },
        build: function () {
          return AX.table({ rows: T.contested, empty: "No edge on which documents disagree.", columns: [
            { key: "factor", label: "Factor" }, { key: "effect", label: "Effect" },
            { key: "conflict", label: "Conflict", render: function (r) { return r.conflict === "sign" ? "increases vs decreases" : "signed vs no effect"; } },
            { key: "documents", label: "Documents", num: true }, { key: "increases_docs", label: "+ docs", num: true },
            { key: "decreases_docs", label: "− docs", num: true }, { key: "no_effect_docs", label: "0 docs", num: true },
            { key: "consensus", label: "Consensus", render: dirCell }, { key: "confidence", label: "Confidence", num: true, render: function (r) { return AX.pct(r.confidence); } }],
            onRow: function (r) { if (r.edge < edges.length) { selectEdge(r.edge); scrollUp(); } } });
        } },
      { id: "papers", label: "Papers (" + T.papers.length + ")",
        csv: { name: "papers.csv", columns: Object.keys(T.papers[0] || { doc_id: "" }), rows: T.papers },
        build: function () {
          return AX.table({ rows: T.papers, sortKey: "triples", empty: "No paper.", columns: [
            { key: "doc_id", label: "Document" }, { key: "triples", label: "Triples", num: true }, { key: "edges", label: "Edges", num: true },
            { key: "factors", label: "Factors", num: true }, { key: "effects", label: "Effects", num: true },
            { key: "increases", label: "+", num: true }, { key: "decreases", label: "−", num: true }, { key: "associated", label: "~", num: true },
            { key: "no_effect", label: "0", num: true }, { key: "hedged", label: "Hedged", num: true }, { key: "contested_edges", label: "Contested edges", num: true }],
            onRow: function (r) { focusPaper(r.doc_id); scrollUp(); } });
        } },
      { id: "edges", label: "All edges (" + T.edges.length + ")",
        csv: { name: "edges.csv", columns: Object.keys(T.edges[0] || { edge: 0 }), rows: T.edges },
        build: function () {
          return AX.table({ rows: T.edges, sortKey: "documents", empty: "No edge.", columns: [
            { key: "factor", label: "Factor" }, { key: "effect", label: "Effect" }, { key: "consensus", label: "Consensus", render: dirCell },
            { key: "confidence", label: "Confidence", num: true, render: function (r) { return AX.pct(r.confidence); } },
            { key: "documents", label: "Documents", num: true }, { key: "triples", label: "Triples", num: true },
            { key: "hedged_share", label: "Hedged", num: true, render: function (r) { return AX.pct(r.hedged_share); } },
            { key: "human_docs", label: "Human", num: true, title: "documents with human evidence" },
            { key: "animal_docs", label: "Animal", num: true, title: "documents with animal evidence" },
            { key: "in_vitro_docs", label: "In vitro", num: true, title: "documents with in vitro evidence" },
            { key: "review_docs", label: "Review", num: true, title: "reviews" },
            { key: "causal_share", label: "Causal", num: true, title: "causal share of the claims whose causality is known",
              render: function (r) { return r.causal_share === null || r.causal_share === undefined ? "" : AX.pct(r.causal_share); } },
            { key: "contested", label: "Contested", render: function (r) { return r.contested ? "yes" : ""; } },
            { key: "bidirectional", label: "Two-way", render: function (r) { return r.bidirectional ? "⇄" : ""; } }],
            onRow: function (r) { selectEdge(r.edge); scrollUp(); } });
        } }]);
  }
  function scrollUp() { window.scrollTo({ top: 0, behavior: "smooth" }); }
  function footer() {
    var foot = document.getElementById("foot");
    foot.textContent = "Made by axis-nlp graph" + (DATA.sources.length ? " from " + DATA.sources.join(", ") : "") +
      ". Consensus = the direction with the most documents; confidence = its share of the edge's documents. " +
      "Contested = one document reports increases and another decreases.";
  }

  // ------------------------------------------------------------------ start
  function fromHash() {
    var params = {};
    (location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("="); if (kv[0]) params[decodeURIComponent(kv[0])] = decodeURIComponent(kv.slice(1).join("="));
    });
    if (params["min-docs"]) { state.minDocs = Math.max(1, Math.min(maxDocs, parseInt(params["min-docs"], 10) || 1)); syncControls(); refresh(true); fit(); }
    if (params.select !== undefined && edges[+params.select]) selectEdge(+params.select);
    else if (params.node) { var n = nodes.filter(function (x) { return x.key === params.node; })[0]; if (n) selectNode(n.index); }
  }
  summary(); legend(); tables(); footer(); intro();
  computeVisible();
  visibleSet = new Set(visibleEdges.map(function (e) { return e.i; }));
  layout(false);
  draw();
  fit();
  fromHash();
  window.addEventListener("hashchange", fromHash);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { visibleNodes.forEach(function (n) { n.placed = false; }); layout(false); draw(); fit(); }, 150);
  });
  window.axisGraph = { selectEdge: selectEdge, selectNode: selectNode, refresh: refresh, state: state, edges: edges, nodes: nodes };
  document.body.setAttribute("data-ready", "1");
})();
