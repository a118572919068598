// The dashboard's charts (ECharts, SVG renderer: prints well). Data from
// the page's data-dashboard attribute (GET /api/v1/dashboard's "chart":
// at most 30 towns, scoped to the signed-in user's town on the server).
// No animation: what is drawn is final at once (printing, screenshots).
(function () {
  'use strict';
  var box = document.getElementById('charts');
  if (!box || typeof echarts === 'undefined') { return; }
  function el(id, title) {
    var h = document.createElement('h2');
    h.textContent = title;
    var d = document.createElement('div');
    d.id = id;
    d.className = 'chart';
    box.appendChild(h);
    box.appendChild(d);
    return d;
  }
  function say(text) {
    var p = document.createElement('p');
    p.className = 'hint';
    p.textContent = text;
    box.appendChild(p);
  }
  // The page carries the data it was rendered from: one computation a view.
  var load = new Promise(function (resolve) {
    resolve(JSON.parse(box.getAttribute('data-dashboard') || 'null'));
  });
  load
    .then(function (d) {
      box.textContent = '';
      if (!d.towns.length) { say('范围内没有镇街区。'); return; }
      var names = d.towns.map(function (t) { return t.name; });
      var opts = { renderer: 'svg', locale: 'ZH' };
      // A scope with many towns (a province) draws the towns that need
      // action most, chosen on the server; the table lists every town.
      if (d.selected) {
        say('共 ' + d.of + ' 个镇街区，图中为最需要处理的 ' + d.towns.length +
          ' 个（依次按超出名额、未备案、缺书记后备人数排序，再按名单人数）；各镇街区见上表。');
      }
      var quota = echarts.init(el('chart-quota', d.year + ' 年名单人数与名额（' + d.scope + '）'), null, opts);
      quota.setOption({
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { data: ['名单人数', '名额'] },
        grid: { containLabel: true, left: 8, right: 8, bottom: 8 },
        xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
        yAxis: { type: 'value', name: '人', minInterval: 1 },
        series: [
          { name: '名单人数', type: 'bar', data: d.towns.map(function (t) {
              var over = t.quota !== null && t.listed > t.quota;
              return { value: t.listed, itemStyle: { color: over ? '#b0191e' : '#5470c6' } };
            }) },
          { name: '名额', type: 'bar', data: d.towns.map(function (t) { return t.quota; }), itemStyle: { color: '#91cc75' } }
        ]
      });
      var tiers = echarts.init(el('chart-tiers', d.year + ' 年名单档次分布'), null, opts);
      var labels = ['一档', '二档', '三档'];
      tiers.setOption({
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { data: labels },
        grid: { containLabel: true, left: 8, right: 8, bottom: 8 },
        xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
        yAxis: { type: 'value', name: '人', minInterval: 1 },
        series: labels.map(function (label, i) {
          return { name: label, type: 'bar', stack: 'tier', data: d.towns.map(function (t) { return t.tiers[i]; }) };
        })
      });
      window.addEventListener('resize', function () { quota.resize(); tiers.resize(); });
    })
    .catch(function (e) {
      box.textContent = '';
      say('图表数据读取失败：' + e.message);
    });
}());
