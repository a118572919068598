// A form marked data-busy="…" says so while the server works (a year's
// proposal for a province takes seconds): its buttons are disabled and
// the message shown, so the clerk neither waits blind nor submits twice.
// An irreversible step asks first, naming what will happen and to whom:
// the question is the pressed button's data-confirm, else its form's.
// A question may name the form's fields as {name}: a select's chosen
// words, a chosen radio's label or an input's value stand there
// ("（未选择）", "（未填写）" when empty), so the clerk reads the reason
// and date they are about to send; {picked} stands for the words
// (data-name) of the ticked boxes. Cancelled, nothing is sent.
function fieldWords(f, name) {
  if (name === 'picked') {
    var names = [];
    f.querySelectorAll('input[type=checkbox]:checked').forEach(function (c) {
      names.push(c.getAttribute('data-name') || c.value);
    });
    return names.length ? names.join('、') : '（未勾选）';
  }
  var el = f.elements.namedItem(name);
  if (!el) return '{' + name + '}';
  var radio = f.querySelector('input[type=radio][name="' + name + '"]');
  if (radio) {
    var on = f.querySelector('input[type=radio][name="' + name + '"]:checked');
    var label = on && on.closest('label');
    return on ? (label ? label.textContent.trim() : on.value) : '（未选择）';
  }
  if (el.tagName === 'SELECT') {
    var o = el.options[el.selectedIndex];
    return o && o.value ? o.text.trim() : '（未选择）';
  }
  var v = (el.value || '').trim();
  return v ? v : '（未填写）';
}

document.addEventListener('submit', function (e) {
  var f = e.target;
  var b = e.submitter;
  var ask = (b && b.getAttribute('data-confirm')) || f.getAttribute('data-confirm');
  if (ask) {
    ask = ask.replace(/\{([a-z_]+)\}/g, function (_, name) { return fieldWords(f, name); });
    if (!window.confirm(ask)) { e.preventDefault(); e.stopImmediatePropagation(); return; }
  }
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

// A form given back as it was typed (a refusal, or a session that
// expired) is brought into view, its refused field focused: on a long
// page it may sit far below the message at the top.
(function () {
  var f = document.querySelector('form[data-refilled]');
  if (!f) return;
  var bad = f.querySelector('[aria-invalid="true"]');
  (f.previousElementSibling && f.previousElementSibling.classList.contains('attention')
    ? f.previousElementSibling : f).scrollIntoView({ block: 'start' });
  if (bad && bad.focus) bad.focus({ preventScroll: true });
})();
