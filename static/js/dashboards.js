/* Leading-group dashboards: draw each chart from the numbers the page already holds
   (the same numbers as the tables under the charts). No network requests. */
(function () {
  "use strict";
  var holder = document.getElementById("lz-dash-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var dark = document.body.classList.contains("lz-cockpit");
  var theme = dark ? "dark" : null;
  var text = dark ? "#e5e7eb" : "#374151";
  // The cockpit is read from across a meeting room: larger type, no animation on refresh.
  var base = { backgroundColor: "transparent", textStyle: { fontFamily: "inherit", fontSize: dark ? 16 : 12 }, animation: !dark };
  var charts = [];

  function column(rows, i) { return rows.map(function (r) { return r[i]; }); }

  function pie(d) {
    var colours = d.spec.colours;
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, textStyle: { color: text } },
      series: [{
        type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
        label: { formatter: "{c}", color: text },
        // Empty slices would only draw a "0" on a leader line (the table lists them).
        data: d.rows.map(function (r, i) {
          var item = { name: r[0], value: r[1] };
          if (colours) item.itemStyle = { color: colours[i] };
          return item;
        }).filter(function (item) { return item.value > 0; })
      }]
    };
  }

  function bar(d) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: column(d.rows, 0).reverse(), axisLabel: { color: text } },
      series: [{ type: "bar", data: column(d.rows, 1).reverse(), itemStyle: { color: "#b3261e" },
                 label: { show: true, position: "right", color: text } }]
    };
  }

  function stacked(d) {
    // Rows: warning levels; columns 1..n-1: statuses; the last column is the total.
    var statuses = d.columns.slice(1, -1);
    var greys = ["#ef4444", "#f59e0b", "#3b82f6", "#9ca3af"];
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0, textStyle: { color: text } },
      grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: column(d.rows, 0), axisLabel: { color: text } },
      yAxis: { type: "value", minInterval: 1 },
      series: statuses.map(function (s, i) {
        return { name: s, type: "bar", stack: "all", data: column(d.rows, i + 1), itemStyle: { color: greys[i % greys.length] } };
      })
    };
  }

  function trend(d) {
    var levels = d.columns.slice(1, -1);
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, textStyle: { color: text } },
      grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: column(d.rows, 0), axisLabel: { color: text } },
      yAxis: { type: "value", minInterval: 1 },
      series: levels.map(function (name, i) {
        return { name: name, type: "bar", stack: "month", data: column(d.rows, i + 1),
                 itemStyle: { color: (d.spec.colours || [])[i] } };
      })
    };
  }

  function heatmap(d) {
    var cats = d.columns.slice(1, -1);
    var units = column(d.rows, 0);
    var cells = [], max = 0;
    d.rows.forEach(function (r, y) {
      cats.forEach(function (_c, x) { cells.push([x, y, r[x + 1]]); max = Math.max(max, r[x + 1]); });
    });
    return {
      tooltip: { position: "top", formatter: function (p) { return units[p.value[1]] + " · " + cats[p.value[0]] + ": " + p.value[2]; } },
      grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: cats, splitArea: { show: true }, axisLabel: { color: text, interval: 0, rotate: cats.length > 6 ? 30 : 0 } },
      // Rows top-down in the order of the table below.
      yAxis: { type: "category", data: units, inverse: true, splitArea: { show: true }, axisLabel: { color: text } },
      visualMap: { min: 0, max: Math.max(max, 1), calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: dark ? ["#13233d", "#b45309", "#ef4444"] : ["#fff7ed", "#fdba74", "#b3261e"] },
                   textStyle: { color: text } },
      series: [{ type: "heatmap", data: cells,
                 label: { show: true, formatter: function (p) { return p.value[2] || ""; } }, emphasis: { itemStyle: { borderColor: "#111", borderWidth: 1 } } }]
    };
  }

  function percent(d) {
    // Rows: [item, done, due, per cent]; an item with nothing due draws no bar.
    var last = d.columns.length - 1;
    return {
      tooltip: { trigger: "axis", formatter: function (p) {
        var r = d.rows[d.rows.length - 1 - p[0].dataIndex];
        return r[0] + ": " + r[1] + " / " + r[2] + (r[last] === null ? "" : " (" + r[last] + "%)");
      } },
      grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: column(d.rows, 0).reverse(), axisLabel: { color: text } },
      series: [{ type: "bar", data: column(d.rows, last).reverse(), itemStyle: { color: "#0f766e" },
                 label: { show: true, position: "right", color: text, formatter: "{c}%" } }]
    };
  }

  function grouped(d) {
    // One bar per series column (this year, last year) for each row.
    var palette = ["#1d4ed8", "#9ca3af"];
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0, textStyle: { color: text } },
      grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: column(d.rows, 0), axisLabel: { color: text, interval: 0, rotate: d.rows.length > 8 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: d.spec.series.map(function (col, i) {
        return { name: d.spec.names[i], type: "bar", data: column(d.rows, col), itemStyle: { color: palette[i % palette.length] } };
      })
    };
  }

  var builders = { pie: pie, bar: bar, stacked: stacked, trend: trend, heatmap: heatmap, percent: percent, grouped: grouped };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data[el.dataset.chart];
    var build = d && builders[d.spec.type];
    if (!build) return;
    if (d.spec.type === "heatmap") el.style.height = Math.max(280, 40 * d.rows.length + 110) + "px";
    var chart = echarts.init(el, theme, { renderer: "canvas" });
    var option = Object.assign({}, base, build(d));
    if (dark) {
      // Axis labels and legends do not inherit the global type size: set them here.
      [option.xAxis, option.yAxis].forEach(function (axis) {
        if (axis) axis.axisLabel = Object.assign({}, axis.axisLabel, { fontSize: 15 });
      });
      if (option.legend) option.legend.textStyle = Object.assign({}, option.legend.textStyle, { fontSize: 15 });
    }
    chart.setOption(option);
    if (d.links && d.links.length) {
      // Drill down: a click on a unit's cell or bar opens that unit's dashboard.
      chart.on("click", function (p) {
        var row = d.spec.type === "heatmap" ? p.value[1] : p.dataIndex;
        var target = d.links[row];
        if (!target) return;
        var url = new URL(window.location.href);
        url.searchParams.set("node", target);
        window.location.href = url.toString();
      });
    }
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // Cockpit: ask the (cached) API for the figures' version every minute; reload only when a
  // refresh changed them, otherwise just move the "data as of" time on.
  var poll = document.body.dataset.poll;
  if (poll) {
    var every = (parseInt(document.body.dataset.pollSeconds, 10) || 60) * 1000;
    window.setInterval(function () {
      fetch(poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          if (String(d.version) !== document.body.dataset.version) { window.location.reload(); return; }
          var at = document.querySelector("[data-as-of]");
          if (at && d.as_of) at.textContent = d.as_of.slice(11, 16);
          var badge = document.querySelector("[data-testid=staleness]");
          if (badge) {
            badge.classList.toggle("text-bg-warning", d.stale);
            badge.classList.toggle("text-bg-light", !d.stale);
          }
        })
        .catch(function () { /* offline for a moment: try again next time */ });
    }, every);
  }
})();
