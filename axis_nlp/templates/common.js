/* Helpers shared by the axis-nlp views. Data is only ever written with textContent, never as HTML. */
var AX = (function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var SIGNS = { increases: "+", decreases: "−", associated: "~", no_effect: "0" };
  var WORDS = { increases: "increases", decreases: "decreases", associated: "associated", no_effect: "no effect" };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "style" && typeof value === "object") Object.assign(node.style, value);
      else if (key.slice(0, 2) === "on" && typeof value === "function") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function pct(x) { return Math.round(x * 100) + "%"; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /* Text with spans [[start, end, className, title]] wrapped in <mark>; overlapping spans: the first wins. */
  function markText(text, spans) {
    var frag = document.createDocumentFragment();
    var sorted = spans.filter(function (s) { return s && s[0] !== null && s[0] >= 0 && s[1] <= text.length && s[1] > s[0]; })
      .slice().sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var pos = 0;
    sorted.forEach(function (s) {
      if (s[0] < pos) return;
      if (s[0] > pos) frag.appendChild(document.createTextNode(text.slice(pos, s[0])));
      frag.appendChild(el("mark", { "class": s[2], title: s[3] || null }, text.slice(s[0], s[1])));
      pos = s[1];
    });
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  function badge(direction, extra) {
    return el("span", { "class": "badge " + direction }, (SIGNS[direction] || "") + " " + (WORDS[direction] || direction) + (extra || ""));
  }

  function csvText(columns, rows) {
    function cell(v) {
      if (v === null || v === undefined) return "";
      var s = String(v);
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    return [columns.map(cell).join(",")].concat(rows.map(function (r) {
      return columns.map(function (c) { return cell(r[c]); }).join(",");
    })).join("\n") + "\n";
  }
  function download(name, text) {
    var url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  /* A sortable table. spec: {columns: [{key, label, num, render(row)}], rows, onRow(row, tr), empty, name} */
  function table(spec) {
    var state = { key: spec.sortKey || null, dir: spec.sortDir || -1 };
    var wrap = el("div", { "class": "table-wrap" });
    var tbl = el("table", { "class": "data" });
    var thead = el("thead"), tbody = el("tbody");
    tbl.appendChild(thead); tbl.appendChild(tbody); wrap.appendChild(tbl);
    function draw() {
      clear(thead); clear(tbody);
      var tr = el("tr");
      spec.columns.forEach(function (c) {
        var th = el("th", { "class": c.num ? "num" : null, title: c.title || null }, c.label);
        if (state.key === c.key) th.setAttribute("data-sort", state.dir < 0 ? "▾" : "▴");
        th.addEventListener("click", function () {
          state.dir = state.key === c.key ? -state.dir : (c.num ? -1 : 1);
          state.key = c.key; draw();
        });
        tr.appendChild(th);
      });
      thead.appendChild(tr);
      var rows = spec.rows.slice();
      if (state.key) {
        rows.sort(function (a, b) {
          var x = a[state.key], y = b[state.key];
          if (typeof x === "number" && typeof y === "number") return (x - y) * state.dir;
          return String(x).localeCompare(String(y)) * state.dir;
        });
      }
      if (!rows.length) {
        tbody.appendChild(el("tr", null, el("td", { "class": "empty", colspan: spec.columns.length }, spec.empty || "Nothing to show.")));
      }
      rows.forEach(function (row) {
        var r = el("tr", { "class": spec.onRow ? "clickable" : null });
        spec.columns.forEach(function (c) {
          var value = c.render ? c.render(row) : row[c.key];
          r.appendChild(el("td", { "class": c.num ? "num" : null }, value));
        });
        if (spec.onRow) r.addEventListener("click", function () {
          Array.prototype.forEach.call(tbody.querySelectorAll("tr.active"), function (x) { x.classList.remove("active"); });
          r.classList.add("active");
          spec.onRow(row, r);
        });
        tbody.appendChild(r);
      });
    }
    draw();
    return wrap;
  }

  /* Tabs of tables, with a CSV download of the active one. tabs: [{id, label, build(), csv: {name, columns, rows}}] */
  function tabbedTables(nav, host, tabs) {
    var buttons = {};
    var dl = el("button", { type: "button", "class": "download", title: "Download this table as CSV" }, "Download CSV");
    var active = null;
    function show(id) {
      active = tabs.filter(function (t) { return t.id === id; })[0];
      Object.keys(buttons).forEach(function (k) { buttons[k].classList.toggle("active", k === id); });
      clear(host).appendChild(active.build());
    }
    tabs.forEach(function (t) {
      buttons[t.id] = el("button", { type: "button", "data-tab": t.id, onclick: function () { show(t.id); } }, t.label);
      nav.appendChild(buttons[t.id]);
    });
    nav.appendChild(el("span", { "class": "spacer" }));
    dl.addEventListener("click", function () { download(active.csv.name, csvText(active.csv.columns, active.csv.rows)); });
    nav.appendChild(dl);
    if (tabs.length) show(tabs[0].id);
    return show;
  }

  return { el: el, svg: svg, clear: clear, pct: pct, plural: plural, markText: markText, badge: badge,
           table: table, tabbedTables: tabbedTables, SIGNS: SIGNS, WORDS: WORDS };
})();
