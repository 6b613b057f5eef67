/* geomap map runtime.
 *
 * Draws each theme layer from one compact data array (see geo/map_data.py): a canvas circle
 * per place sized by its mentions, light polygons for regions, lines for corridors. Popups
 * are built on click with DOM methods, so article text is only ever text, never markup or
 * code. Adds a time filter, place search, a full-screen button and a minimap.
 *
 * Test hooks: window.geomap[<map variable>] = {featureCount(), openPlace(name), drawn}.
 */
/* The Leaflet this runtime was loaded with is kept: when a page includes several map
 * fragments, each loads Leaflet again, and drawing that runs later must not mix two copies. */
(function (L) {
  "use strict";
  if (window.Geomap) { return; }

  var SNIPPETS_PER_ARTICLE = 3;
  var MAX_RADIUS = 40;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : "";
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function radius(count) {
    return Math.min(MAX_RADIUS, Math.round((4 + 3 * Math.sqrt(count)) * 10) / 10);
  }

  function Runtime(map, data, groups, options) {
    this.map = map;
    this.data = data;
    this.groups = groups;
    this.options = options;
    this.range = ["", "\uffff"];
    this.undated = true;
    this.canvas = L.canvas({ padding: 0.1 });
    // Regions go in a pane below the circles, so a province never hides the towns in it.
    map.createPane("geomapShapes").style.zIndex = 350;
    this.shapeCanvas = L.canvas({ padding: 0.1, pane: "geomapShapes" });
    this.marks = [];  // per layer: [{place, entries, layer, shown}]
  }

  Runtime.prototype.inRange = function (articleIndex) {
    return this.dateInRange(this.data.articles[articleIndex][2]);
  };

  Runtime.prototype.dateInRange = function (date) {
    if (!date) { return this.undated; }
    return date >= this.range[0] && date <= this.range[1];
  };

  /* Mentions of a mark within the time range: those its popup lists, and those left out of it
     (a place named more often than the popup lists carries their counts per date). */
  Runtime.prototype.count = function (mark) {
    var n = this.visibleEntries(mark).length;
    for (var i = 0; i < mark.dropped.length; i++) {
      var date = mark.dropped[i][0] >= 0 ? this.data.dates[mark.dropped[i][0]] : "";
      if (this.dateInRange(date)) { n += mark.dropped[i][1]; }
    }
    return n;
  };

  /* The mention entries of a mark still shown: [article, snippet, from, to] four at a time. */
  Runtime.prototype.visibleEntries = function (mark) {
    var shown = [];
    for (var i = 0; i < mark.entries.length; i += 4) {
      if (this.inRange(mark.entries[i])) { shown.push(mark.entries.slice(i, i + 4)); }
    }
    return shown;
  };

  Runtime.prototype.snippet = function (entry) {
    var text = this.data.snippets[entry[1]];
    var line = el("div", null, "geomap-snippet");
    line.appendChild(document.createTextNode("\u201c" + text.slice(0, entry[2])));
    line.appendChild(el("b", text.slice(entry[2], entry[3])));
    line.appendChild(document.createTextNode(text.slice(entry[3]) + "\u201d"));
    return line;
  };

  Runtime.prototype.popup = function (mark) {
    var place = this.data.places[mark.place];
    var entries = this.visibleEntries(mark);
    var count = this.count(mark);
    var box = el("div", null, "geomap-popup");
    var head = el("div", null, "geomap-popup-head");
    head.appendChild(el("b", place[0]));
    var kind = place[1] + (place[2] ? ", " + place[2] : "");
    head.appendChild(el("small", " (" + kind + ") \u00b7 " + count + (count === 1 ? " mention" : " mentions")));
    box.appendChild(head);
    if (entries.length < count) {
      box.appendChild(el("div", (entries.length ? "The latest " + entries.length + " are listed"
                                 : "Only the latest mentions are listed, none of these dates") +
                         "; mentions.csv has them all.", "geomap-meta"));
    }
    var byArticle = [], seen = {};
    entries.forEach(function (entry) {
      if (!(entry[0] in seen)) { seen[entry[0]] = byArticle.length; byArticle.push([]); }
      byArticle[seen[entry[0]]].push(entry);
    });
    var self = this;
    byArticle.forEach(function (group) {
      var article = self.data.articles[group[0][0]];
      var item = el("div", null, "geomap-article");
      var url = safeUrl(article[1]);
      var title = el(url ? "a" : "span", article[0] || article[4], "geomap-title");
      if (url) { title.href = url; title.target = "_blank"; title.rel = "noopener noreferrer"; }
      item.appendChild(title);
      var meta = [article[2], article[3]].filter(Boolean).join(" \u00b7 ");
      if (meta) { item.appendChild(el("div", meta, "geomap-meta")); }
      var used = {};
      group.filter(function (entry) {
        if (entry[1] in used) { return false; }
        used[entry[1]] = true;
        return true;
      }).slice(0, SNIPPETS_PER_ARTICLE).forEach(function (entry) {
        item.appendChild(self.snippet(entry));
      });
      box.appendChild(item);
    });
    return box;
  };

  /* Draw every layer: a shown one now, a hidden one ("Unthemed") when it is first ticked. */
  Runtime.prototype.draw = function () {
    var self = this;
    this.data.layers.forEach(function (spec, layerIndex) {
      var group = self.groups[layerIndex];
      self.marks.push([]);
      self.listen(group);
      if (self.map.hasLayer(group)) { self.drawLayer(layerIndex); }
      else { group.once("add", function () { self.drawLayer(layerIndex); }); }
    });
  };

  Runtime.prototype.drawLayer = function (layerIndex) {
    var self = this, spec = this.data.layers[layerIndex], group = this.groups[layerIndex];
    var style = { color: spec.colour, weight: 1.5, opacity: 0.8, fillColor: spec.colour, fillOpacity: 0.12 };
    var marks = this.marks[layerIndex];
    spec.marks.forEach(function (markSpec) {
      var mark = { place: markSpec[0], entries: markSpec[1], dropped: markSpec[2] || [], shown: true };
      var place = self.data.places[mark.place];
      if (place[5] >= 0) {
        var line = self.data.shapes[place[5]].type.indexOf("LineString") >= 0;
        mark.layer = L.geoJSON(self.data.shapes[place[5]], {
          style: line ? { color: spec.colour, weight: 4, opacity: 0.8 } : style,
          renderer: self.shapeCanvas, pane: "geomapShapes"
        });
        mark.layer.eachLayer(function (part) { part.geomapMark = mark; });
      } else {
        mark.layer = L.circleMarker([place[3], place[4]], {
          renderer: self.canvas, radius: radius(self.count(mark)), color: spec.colour,
          weight: 1.5, fillColor: spec.colour, fillOpacity: 0.6
        });
      }
      mark.layer.geomapMark = mark;
      group.addLayer(mark.layer);
      marks.push(mark);
    });
    if (this.filtered) { this.filter(this.range[0], this.range[1], this.undated); }
  };

  /* One popup and one tooltip for the whole layer, filled in for the place under the pointer:
     15,000 places with a popup and a tooltip object each would cost a second to draw. */
  Runtime.prototype.listen = function (group) {
    var self = this;
    function markOf(event) { return (event.propagatedFrom || event.layer || {}).geomapMark; }
    group.on("click", function (event) {
      var mark = markOf(event);
      if (mark) { self.showPopup(mark, event.latlng); }
    });
    group.on("mouseover", function (event) {
      var mark = markOf(event);
      if (!mark) { return; }
      var name = self.data.places[mark.place][0];
      self.tooltip = self.tooltip || L.tooltip({ direction: "top" });
      self.tooltip.setLatLng(mark.layer.getLatLng ? mark.layer.getLatLng() : event.latlng)
        .setContent(el("span", name + " (" + self.count(mark) + ")")).openOn(self.map);
    });
    group.on("mouseout", function () {
      if (self.tooltip) { self.map.closeTooltip(self.tooltip); }
    });
  };

  Runtime.prototype.showPopup = function (mark, latlng) {
    var at = mark.layer.getLatLng ? mark.layer.getLatLng() : latlng;
    L.popup({ maxWidth: 420 }).setLatLng(at).setContent(this.popup(mark)).openOn(this.map);
  };

  /* Show only the mentions of articles dated within the range (and undated ones if asked). */
  Runtime.prototype.filter = function (from, to, undated) {
    var self = this;
    this.range = [from, to];
    this.undated = undated;
    this.filtered = true;
    this.marks.forEach(function (marks, layerIndex) {
      var group = self.groups[layerIndex];
      marks.forEach(function (mark) {
        var count = self.count(mark);
        if (count && !mark.shown) { group.addLayer(mark.layer); }
        if (!count && mark.shown) { group.removeLayer(mark.layer); }
        mark.shown = count > 0;
        if (count && mark.layer.setRadius) { mark.layer.setRadius(radius(count)); }
      });
    });
  };

  Runtime.prototype.timeControl = function () {
    var self = this, dates = this.data.dates;
    if (dates.length < 2) { return; }
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", null, "geomap-control geomap-time");
      var label = el("div", null, "geomap-time-label");
      var from = el("input"), to = el("input"), undated = el("input");
      [from, to].forEach(function (input, i) {
        input.type = "range"; input.min = 0; input.max = dates.length - 1;
        input.value = i ? dates.length - 1 : 0;
        input.setAttribute("aria-label", i ? "Last date shown" : "First date shown");
      });
      undated.type = "checkbox"; undated.checked = true;
      var undatedLabel = el("label", " undated");
      undatedLabel.insertBefore(undated, undatedLabel.firstChild);
      function update() {
        var a = Math.min(+from.value, +to.value), b = Math.max(+from.value, +to.value);
        label.textContent = dates[a] + " \u2013 " + dates[b];
        self.filter(dates[a], dates[b], undated.checked);
      }
      [from, to, undated].forEach(function (input) { input.addEventListener("input", update); });
      box.appendChild(label); box.appendChild(from); box.appendChild(to); box.appendChild(undatedLabel);
      L.DomEvent.disableClickPropagation(box);
      label.textContent = dates[0] + " \u2013 " + dates[dates.length - 1];
      return box;
    };
    control.addTo(this.map);
  };

  /* The first drawn mark of the place called ``name``, switching its layer on if needed. */
  Runtime.prototype.find = function (name) {
    var wanted = fold(name), self = this;
    // A place only in a hidden layer: switch that layer on, which draws it.
    this.data.layers.forEach(function (spec, i) {
      if (self.map.hasLayer(self.groups[i])) { return; }
      var here = spec.marks.some(function (m) { return fold(self.data.places[m[0]][0]) === wanted; });
      if (here && !self.marks.some(function (marks) {
        return marks.some(function (m) { return m.shown && fold(self.data.places[m.place][0]) === wanted; });
      })) { self.map.addLayer(self.groups[i]); }
    });
    for (var i = 0; i < this.marks.length; i++) {
      for (var j = 0; j < this.marks[i].length; j++) {
        var mark = this.marks[i][j];
        if (mark.shown && fold(this.data.places[mark.place][0]) === wanted) {
          if (!this.map.hasLayer(this.groups[i])) { this.map.addLayer(this.groups[i]); }
          return mark;
        }
      }
    }
    return null;
  };

  Runtime.prototype.openPlace = function (name) {
    var mark = this.find(name);
    if (!mark) { return false; }
    if (mark.layer.getBounds) {
      this.map.fitBounds(mark.layer.getBounds(), { maxZoom: 8 });
      this.showPopup(mark, mark.layer.getBounds().getCenter());
    } else {
      this.map.setView(mark.layer.getLatLng(), Math.max(this.map.getZoom(), 7));
      this.showPopup(mark);
    }
    return true;
  };

  Runtime.prototype.searchControl = function () {
    var self = this;
    var names = [];
    this.data.places.forEach(function (place) { names.push([fold(place[0]), place[0]]); });
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = el("div", null, "geomap-control geomap-search");
      var input = el("input");
      input.type = "search"; input.placeholder = "Find a place";
      input.setAttribute("aria-label", "Find a place");
      var list = el("ul");
      input.addEventListener("input", function () {
        list.textContent = "";
        var query = fold(input.value.trim());
        if (!query) { return; }
        names.filter(function (n) { return n[0].indexOf(query) >= 0; }).slice(0, 8).forEach(function (n) {
          var item = el("li", n[1]);
          item.addEventListener("click", function () { self.openPlace(n[1]); list.textContent = ""; });
          list.appendChild(item);
        });
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && list.firstChild) { list.firstChild.click(); }
      });
      box.appendChild(input); box.appendChild(list);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(this.map);
  };

  Runtime.prototype.fullscreenControl = function () {
    var map = this.map;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var button = el("a", null, "geomap-control geomap-fullscreen");
      button.href = "#"; button.title = "Full screen"; button.setAttribute("role", "button");
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "0 0 16 16");
      var corners = document.createElementNS("http://www.w3.org/2000/svg", "path");
      corners.setAttribute("d", "M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4");
      svg.appendChild(corners);
      button.appendChild(svg);
      L.DomEvent.on(button, "click", function (event) {
        L.DomEvent.preventDefault(event);
        var container = map.getContainer();
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (container.requestFullscreen) { container.requestFullscreen(); }
      });
      document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
      return button;
    };
    control.addTo(map);
  };

  Runtime.prototype.minimap = function () {
    var map = this.map, tiles = this.options.tiles;
    if (!tiles) { return; }
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", null, "geomap-control geomap-minimap");
      // Made once the main map has painted: the overview can wait, the places should not.
      requestAnimationFrame(function () { setTimeout(function () {
        var mini = L.map(box, { attributionControl: false, zoomControl: false, dragging: false,
          scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
          touchZoom: false, maxZoom: 18 });
        L.tileLayer(tiles, { maxZoom: 18 }).addTo(mini);
        var frame = L.rectangle(map.getBounds(), { weight: 1, color: "#d55e00", fillOpacity: 0.1,
                                                    interactive: false }).addTo(mini);
        function follow() {
          mini.setView(map.getCenter(), Math.max(map.getZoom() - 5, 0), { animate: false });
          frame.setBounds(map.getBounds());
        }
        map.on("moveend", follow);
        follow();
      }, 0); });
      return box;
    };
    control.addTo(map);
  };

  /* The map's data: plain JSON, or deflated JSON in base64 for large maps. */
  function readData(node) {
    if (node.type === "application/json") {
      return Promise.resolve(JSON.parse(node.textContent));
    }
    var text = atob(node.textContent.trim());
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(inflated).text().then(JSON.parse);
  }

  window.Geomap = {
    /* Draw the data of the element ``dataId`` into ``groups`` (one per data layer). */
    draw: function (map, dataId, groups, options) {
      window.geomap = window.geomap || {};
      window.geomap[options.name] = { drawn: false };
      performance.mark("geomap-start");
      return readData(document.getElementById(dataId)).then(function (data) {
        performance.mark("geomap-data");
        window.Geomap.start(map, data, groups, options);
        performance.mark("geomap-drawn");
      });
    },

    start: function (map, data, groups, options) {
      var runtime = new Runtime(map, data, groups, options);
      runtime.draw();
      runtime.searchControl();
      runtime.fullscreenControl();
      runtime.timeControl();
      if (options.minimap) { runtime.minimap(); }
      window.geomap[options.name] = {
        drawn: true,
        featureCount: function () {
          var n = 0;
          runtime.marks.forEach(function (marks, i) {
            if (!map.hasLayer(groups[i])) { return; }
            marks.forEach(function (mark) { if (mark.shown) { n += 1; } });
          });
          return n;
        },
        openPlace: function (name) { return runtime.openPlace(name); },
        filter: function (from, to, undated) { runtime.filter(from, to, undated); }
      };
      return runtime;
    }
  };
})(window.L);
