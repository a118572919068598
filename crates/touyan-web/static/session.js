// A signed-in page (body data-idle = seconds a session may stay unused)
// warns a few minutes before the session would expire, in a bar kept at
// the top of the window (not over a form's buttons at its foot), with a button
// that keeps it (POST /session with the page's CSRF token); once it has
// expired, it says so and that a form sent now is kept until sign-in.
(function () {
  var idle = parseInt(document.body.getAttribute('data-idle') || '0', 10);
  if (!idle) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute('content') : '';
  var lead = Math.min(300, Math.floor(idle / 3));
  var bar = null, timers = [];

  function show(text, withButton) {
    if (!bar) {
      bar = document.createElement('div');
      bar.id = 'session-warning';
      bar.className = 'session-warning';
      bar.setAttribute('role', 'alert');
      document.body.insertBefore(bar, document.body.firstChild);
    }
    bar.textContent = text;
    if (withButton) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'primary';
      b.id = 'session-extend';
      b.textContent = '继续使用';
      b.addEventListener('click', extend);
      bar.appendChild(document.createTextNode(' '));
      bar.appendChild(b);
    }
    bar.hidden = false;
  }

  function arm() {
    timers.forEach(clearTimeout);
    if (bar) bar.hidden = true;
    var minutes = Math.max(1, Math.round(lead / 60));
    timers = [
      setTimeout(function () {
        show('为保护数据，登录将在约 ' + minutes + ' 分钟后因无操作而超时。', true);
      }, (idle - lead) * 1000),
      setTimeout(function () {
        show('登录已超时。现在提交的表单会先保留，重新登录后回到本页，请确认后再提交。', false);
      }, idle * 1000)
    ];
  }

  function extend() {
    fetch('/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': token }
    }).then(function (r) {
      if (r.status === 204) { arm(); return; }
      show('登录已超时。现在提交的表单会先保留，重新登录后回到本页，请确认后再提交。', false);
    }, function () {
      show('无法连接服务器，请稍后再试。', true);
    });
  }

  arm();
})();
