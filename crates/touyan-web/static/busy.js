// A form marked data-busy="…" says so while the server works (a year's
// proposal for a province takes seconds): its buttons are disabled and
// the message shown, so the clerk neither waits blind nor submits twice.
// A form marked data-confirm="…" asks first, naming what will happen
// and to whom; cancelled, nothing is sent.
document.addEventListener('submit', function (e) {
  var f = e.target;
  var ask = f.getAttribute('data-confirm');
  if (ask && !window.confirm(ask)) { e.preventDefault(); e.stopImmediatePropagation(); return; }
  var text = f.getAttribute('data-busy');
  if (!text) return;
  var note = f.querySelector('.busy');
  if (note) { note.textContent = text; note.hidden = false; }
  setTimeout(function () {
    f.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
  }, 0);
});

// A printed form's 打印 button (data-print) opens the browser's print
// dialog; the button itself is not printed (.no-print).
document.addEventListener('click', function (e) {
  var b = e.target.closest ? e.target.closest('[data-print]') : null;
  if (!b) return;
  e.preventDefault();
  window.print();
});
