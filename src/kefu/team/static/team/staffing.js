// The staffing chart: per half hour the agents to roster, the rota's people and the gap (rota −
// needed; the half hours that are short in red), drawn with ECharts from the JSON block the
// element names (Django's json_script). No inline script: the page only carries data.
(function () {
  "use strict";

  function draw(el) {
    var source = document.getElementById(el.dataset.staffingChart);
    if (!source || typeof echarts === "undefined") return;
    var spec = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: spec.x },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map(function (s) {
        var out = { name: s.name, type: s.type, data: s.data };
        if (s.gap) {
          out.step = "middle";
          out.symbolSize = 4;
          out.itemStyle = { color: "#b42318" };
          out.markLine = { silent: true, symbol: "none", data: [{ yAxis: 0 }], lineStyle: { color: "#999" } };
          out.data = s.data.map(function (v) {
            return { value: v, itemStyle: { color: v < 0 ? "#b42318" : "#067647" } };
          });
        }
        return out;
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    document.querySelectorAll("[data-staffing-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
