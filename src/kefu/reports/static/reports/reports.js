// The reports' charts: each element with data-chart="<id>" is drawn from the JSON block <id>
// (Django's json_script), holding {x: [periods], axes: [left, right], series: [{name, type, y, data,
// target?: {value, label}}]}. A series' target is the shop's (sent by the server, never written
// here) and is drawn as a dashed line across the chart (markLine).
// No inline script: the page only carries data, this file draws it.
(function () {
  "use strict";

  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || typeof echarts === "undefined") return;
    var spec = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 36, bottom: 28 },
      xAxis: { type: "category", data: spec.x },
      yAxis: (spec.axes || [""]).map(function (name, i) {
        return { type: "value", name: name, position: i === 0 ? "left" : "right", splitLine: { show: i === 0 } };
      }),
      series: spec.series.map(function (s) {
        var series = {
          name: s.name,
          type: s.type,
          yAxisIndex: s.y || 0,
          data: s.data,
          smooth: s.type === "line",
          connectNulls: true,
        };
        if (s.target && s.target.value !== null && s.target.value !== undefined) {
          series.markLine = {
            silent: true,
            symbol: "none",
            lineStyle: { type: "dashed" },
            label: { position: "insideEndTop", formatter: s.target.label },
            data: [{ yAxis: s.target.value, name: s.target.label }],
          };
        }
        return series;
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
})();
