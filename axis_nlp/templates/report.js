/* Relation arcs over each sentence card, drawn from the positions of the entity marks after layout.
   When drawn, <body data-ready="1" data-arcs=N> tells how many arcs are on the page. */
(function () {
  "use strict";
  var el = AX.el, svg = AX.svg, clear = AX.clear;
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var byCard = {};
  DATA.arcs.forEach(function (a) { (byCard[a.card] = byCard[a.card] || []).push(a); });

  var legend = document.getElementById("legend-dirs");
  ["increases", "decreases", "associated", "no_effect"].forEach(function (d) {
    legend.appendChild(el("span", null, svg("svg", { width: 26, height: 10 },
      svg("line", { x1: 1, y1: 5, x2: 25, y2: 5, stroke: DATA.colours[d], "stroke-width": 2.5, "stroke-dasharray": d === "no_effect" ? "5 4" : null })),
      DATA.signs[d] + " " + AX.WORDS[d]));
  });

  function markOf(card, span) { return card.querySelector('p.sentence mark[data-span="' + span + '"]'); }
  function box(node, origin) {
    var r = node.getClientRects()[0] || node.getBoundingClientRect();
    return { left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top };
  }

  function drawCard(card, arcs, depth) {
    var host = card.querySelector(".rel-text"), layer = host.querySelector("svg.arcs"), p = host.querySelector("p.sentence");
    clear(layer);
    var origin = host.getBoundingClientRect();
    var items = [];
    arcs.forEach(function (a) {
      var fm = markOf(card, a.f), em = markOf(card, a.e);
      if (fm && em) items.push({ a: a, f: box(fm, origin), e: box(em, origin) });
    });
    // spread the ends that share a mark across its width, ordered by where the other end is
    var ends = {};
    items.forEach(function (it) {
      (ends[it.a.f] = ends[it.a.f] || []).push({ it: it, end: "f", other: (it.e.left + it.e.right) / 2 + it.e.top * 10 });
      (ends[it.a.e] = ends[it.a.e] || []).push({ it: it, end: "e", other: (it.f.left + it.f.right) / 2 + it.f.top * 10 });
    });
    Object.keys(ends).forEach(function (span) {
      var list = ends[span].sort(function (x, y) { return x.other - y.other; });
      var r = list[0].it[list[0].end], n = list.length, w = Math.max(0, r.right - r.left - 8);
      list.forEach(function (x, i) { x.it[x.end + "x"] = n === 1 ? (r.left + r.right) / 2 : r.left + 4 + w * (i + 0.5) / n; });
    });
    // levels: an arc over another on the same line goes higher
    var same = items.filter(function (it) { return Math.abs(it.f.top - it.e.top) < 4; })
      .sort(function (x, y) { return Math.abs(x.fx - x.ex) - Math.abs(y.fx - y.ex); });
    var placed = [];
    same.forEach(function (it) {
      var lo = Math.min(it.fx, it.ex), hi = Math.max(it.fx, it.ex), level = 1;
      placed.forEach(function (q) {
        if (Math.abs(q.f.top - it.f.top) < 4 && q.lo < hi + 2 && lo < q.hi + 2 && q.level >= level) level = q.level + 1;
      });
      it.level = level; it.lo = lo; it.hi = hi; placed.push(it);
    });
    var maxLevel = placed.reduce(function (m, it) { return Math.max(m, it.level); }, items.length ? 1 : 0);
    var need = maxLevel ? 16 + 9 * (maxLevel - 1) + 10 : 0;
    var fontPx = parseFloat(getComputedStyle(p).fontSize) || 16;
    var lh = Math.max(50, Math.round(fontPx * 1.3 + need + 6));
    var pad = Math.max(0, Math.round(need - (lh - fontPx * 1.3) / 2 + 4));
    if (!depth && (p.style.getPropertyValue("--lh") !== lh + "px" || p.style.getPropertyValue("--pad") !== pad + "px")) {
      p.style.setProperty("--lh", lh + "px"); p.style.setProperty("--pad", pad + "px");
      return drawCard(card, arcs, 1);  // the marks moved down: measure again
    }
    items.forEach(function (it) {
      var a = it.a, colour = DATA.colours[a.dir] || "#888";
      var x1 = it.fx, x2 = it.ex, d, mx, my, head;
      if (it.level) {  // same line: an arch above the text, arrow pointing down into the effect
        var h = 16 + 9 * (it.level - 1), y = it.f.top - 1, base = y - 7, c = h * 1.33;
        d = "M" + x1 + "," + y + " C" + x1 + "," + (y - c) + " " + x2 + "," + (y - c) + " " + x2 + "," + base;
        mx = (x1 + x2) / 2; my = 0.125 * y + 0.375 * (y - c) * 2 + 0.125 * base;
        head = "M" + x2 + "," + (y) + " L" + (x2 - 4.5) + "," + base + " L" + (x2 + 4.5) + "," + base + " Z";
      } else {         // different lines: through the gap between them, from the lower edge of the upper mark
        var down = it.e.top > it.f.top;
        var y1 = down ? it.f.bottom + 1 : it.f.top - 1, y2 = down ? it.e.top - 1 : it.e.bottom + 1;
        var sgn = down ? 1 : -1, b2 = y2 - sgn * 7;
        var c1 = y1 + sgn * 14, c2 = b2 - sgn * 14;
        d = "M" + x1 + "," + y1 + " C" + x1 + "," + c1 + " " + x2 + "," + c2 + " " + x2 + "," + b2;
        mx = (x1 + x2) / 2; my = 0.125 * y1 + 0.375 * c1 + 0.375 * c2 + 0.125 * b2;
        head = "M" + x2 + "," + y2 + " L" + (x2 - 4.5) + "," + b2 + " L" + (x2 + 4.5) + "," + b2 + " Z";
      }
      var label = DATA.signs[a.dir] + (a.hedged ? "?" : "");
      var lw = 10 + 7 * label.length;
      var g = svg("g", { "class": "arc " + a.dir + (a.hedged ? " hedged" : ""), "data-row": a.row },
        svg("title", { text: a.title + (a.score !== null && a.score !== undefined ? " (score " + Number(a.score).toFixed(2) + (a.hedged ? ", hedged" : "") + ")" : "") }),
        svg("path", { "class": "line", d: d, stroke: colour }),
        svg("path", { "class": "hit", d: d }),
        svg("path", { "class": "head", d: head, fill: colour }),
        svg("g", { "class": "label", transform: "translate(" + mx + "," + my + ")" },
          svg("rect", { x: -lw / 2, y: -8, width: lw, height: 16, rx: 8, stroke: colour }),
          svg("text", { x: 0, y: 0.5, fill: colour, text: label })));
      g.addEventListener("mouseenter", function () { hot(card, a, true); });
      g.addEventListener("mouseleave", function () { hot(card, a, false); });
      layer.appendChild(g);
    });
    return items.length;
  }

  function hot(card, a, on) {
    [a.f, a.e].forEach(function (span) { var m = markOf(card, span); if (m) m.classList.toggle("hot", on); });
    var row = document.getElementById(a.row); if (row) row.classList.toggle("hot", on);
    var arc = card.querySelector('.arc[data-row="' + a.row + '"]'); if (arc) arc.classList.toggle("hot", on);
  }

  function drawAll() {
    var total = 0;
    Object.keys(byCard).forEach(function (id) {
      var card = document.getElementById(id);
      if (card) total += drawCard(card, byCard[id]) || 0;
    });
    document.body.setAttribute("data-arcs", String(total));
    return total;
  }

  // table rows light up their arc; a click flashes the card
  Object.keys(byCard).forEach(function (id) {
    var card = document.getElementById(id);
    if (!card) return;
    byCard[id].forEach(function (a) {
      var row = document.getElementById(a.row);
      if (!row) return;
      row.addEventListener("mouseenter", function () { hot(card, a, true); });
      row.addEventListener("mouseleave", function () { hot(card, a, false); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("a.rel-sentence"), function (link) {
    link.addEventListener("click", function () {
      var card = document.querySelector(link.getAttribute("href"));
      if (!card) return;
      card.classList.add("flash"); setTimeout(function () { card.classList.remove("flash"); }, 1200);
    });
  });

  drawAll();
  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(drawAll, 120); });
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(drawAll);
  document.body.setAttribute("data-ready", "1");
})();
