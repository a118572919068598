// Fields that fit people (issue 18, item 5), added to every form of a
// page with no change per template. Without this script every form still
// works: the server reads a date in any of the forms below, refuses a
// text that is too long saying by how much, and a select is a select.
//
// 1. Dates: a text input of class "date" keeps taking typed dates in any
//    of DAY_FORMS (the text of touyan_records::text::DAY_FORMS; a test
//    keeps the two equal) and gets a 选择日期 button beside it, which
//    opens the browser's date picker and writes the day chosen as
//    2026-11-02.
// 2. People: a <select data-search> gets a search box above it that
//    narrows its options to those whose label (village, name, masked ID
//    number) holds every word typed. The person chosen stays chosen
//    whatever is typed; a search that matches one person when nobody is
//    chosen chooses them; 无匹配人员 is said when nobody matches.
// 3. Lengths: a field with data-max="N" (or a maxlength, taken over so
//    that a pasted text is never cut silently) says 最多 N 字 before
//    typing, counts near the limit, and past it says by how much and
//    holds the form back (the server refuses it too).
(function () {
  'use strict';
  var DAY_FORMS = '2023-05-01、2023/5/1、2023.5.1、2023年5月1日 或 20230501';
  var seq = 0;

  function newId(prefix) {
    seq += 1;
    return 'fields-' + prefix + '-' + seq;
  }

  function each(css, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(css), fn);
  }

  // What a field is called: its aria-label, or the text of its label
  // (the label's own words, not its options' or other fields').
  function nameOf(field) {
    var aria = field.getAttribute('aria-label');
    if (aria) return aria;
    var label = field.closest ? field.closest('label') : null;
    if (!label && field.id) {
      label = document.querySelector('label[for="' + field.id + '"]');
    }
    if (!label) return '';
    var words = '';
    Array.prototype.forEach.call(label.childNodes, function (n) {
      if (n.nodeType === 3) words += n.nodeValue;
      else if (n.nodeType === 1 && /^(B|EM|STRONG)$/.test(n.tagName)) words += n.textContent;
    });
    return words.trim();
  }

  function describedBy(field, id) {
    var ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    ids.push(id);
    field.setAttribute('aria-describedby', ids.join(' '));
  }

  // ---------------------------------------------------------------- dates

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  // The day typed, as the picker takes it (YYYY-MM-DD), or '' when the
  // text is no day: the picker then opens on today.
  function isoOf(text) {
    var t = text.replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).trim();
    var m = /^(\d{4})(\d{2})(\d{2})$/.exec(t) ||
      /^(\d{4})\s*[-\/.．年]\s*(\d{1,2})\s*[-\/.．月]\s*(\d{1,2})\s*日?$/.exec(t);
    if (!m) return '';
    var y = +m[1], mo = +m[2], d = +m[3];
    var day = new Date(Date.UTC(y, mo - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) {
      return '';
    }
    return m[1] + '-' + pad(mo) + '-' + pad(d);
  }

  function dateField(input) {
    if (input.getAttribute('data-picker') || input.type !== 'text') return;
    input.setAttribute('data-picker', '1');
    if (!input.title) input.title = '可填 ' + DAY_FORMS;
    var name = nameOf(input);
    // The input, its button and the picker kept together on one line.
    var box = document.createElement('span');
    box.className = 'date-field';
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'date-button';
    // Words, not an emoji: an office PC may have no emoji font.
    button.textContent = '选日期';
    button.title = '选择日期';
    button.setAttribute('aria-label', '选择日期' + (name ? '：' + name : ''));
    button.disabled = input.disabled || input.readOnly;
    // Not sent with the form (no name); rendered but unseen, so that the
    // browser can open its picker from it.
    var picker = document.createElement('input');
    picker.type = 'date';
    picker.className = 'date-picker';
    picker.tabIndex = -1;
    picker.setAttribute('aria-hidden', 'true');
    box.appendChild(button);
    box.appendChild(picker);

    function shown(on) {
      picker.classList.toggle('shown', on);
      picker.tabIndex = on ? 0 : -1;
      if (on) {
        picker.removeAttribute('aria-hidden');
        picker.setAttribute('aria-label', button.getAttribute('aria-label'));
      } else {
        picker.setAttribute('aria-hidden', 'true');
      }
    }

    button.addEventListener('click', function () {
      picker.value = isoOf(input.value);
      if (typeof picker.showPicker === 'function') {
        try {
          picker.showPicker();
          return;
        } catch (e) {
          // Fall through: show the date input itself.
        }
      }
      shown(true);
      picker.focus();
    });
    picker.addEventListener('change', function () {
      if (!picker.value) return;
      input.value = picker.value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
      shown(false);
      input.focus();
    });
    picker.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') {
        shown(false);
        button.focus();
      }
    });
  }

  // -------------------------------------------------------------- people

  function searchable(select) {
    if (select.getAttribute('data-search-ready')) return;
    select.setAttribute('data-search-ready', '1');
    var all = Array.prototype.slice.call(select.options);
    var name = nameOf(select) || '人员';
    if (!select.id) select.id = newId('select');
    // The select keeps its own name once the search box stands before it
    // in its label.
    if (!select.getAttribute('aria-label')) select.setAttribute('aria-label', name);
    var box = document.createElement('input');
    box.type = 'search';
    box.className = 'person-search';
    box.placeholder = '搜索姓名、村或身份证号码';
    box.autocomplete = 'off';
    box.setAttribute('aria-label', '搜索' + name + '（姓名、村或身份证号码）');
    box.setAttribute('aria-controls', select.id);
    var note = document.createElement('span');
    note.className = 'search-note';
    note.id = newId('note');
    note.setAttribute('role', 'status');
    describedBy(box, note.id);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(note, select);

    function filter() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var keep = [];
      var hits = [];
      all.forEach(function (o) {
        var text = o.text.toLowerCase();
        var hit = o.value !== '' && words.every(function (w) {
          return text.indexOf(w) >= 0;
        });
        if (hit) hits.push(o);
        // The empty choice and the person chosen are always offered.
        if (hit || o.value === '' || (chosen !== '' && o.value === chosen)) keep.push(o);
      });
      while (select.options.length) select.remove(0);
      keep.forEach(function (o) {
        select.add(o);
      });
      select.value = chosen;
      if (chosen === '' && words.length && hits.length === 1) {
        select.value = hits[0].value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }
      if (!words.length) note.textContent = '';
      else if (!hits.length) note.textContent = '无匹配人员';
      else if (hits.length === 1 && select.value === hits[0].value) note.textContent = '已选中唯一匹配的人员';
      else note.textContent = hits.length + ' 人匹配';
      note.classList.toggle('none', words.length > 0 && !hits.length);
    }
    box.addEventListener('input', filter);
    // Enter in the search box does not send the form.
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        select.focus();
      }
    });
  }

  // ------------------------------------------------------------- lengths

  // Characters as the server counts them: code points, and a line break
  // of a text area as the two characters the browser sends.
  function length(field) {
    var v = field.value;
    var n = Array.from ? Array.from(v).length : v.length;
    if (field.tagName === 'TEXTAREA') n += (v.match(/\n/g) || []).length;
    return n;
  }

  function limited(field) {
    if (field.getAttribute('data-limit-ready') || field.type === 'hidden') return;
    var max = parseInt(field.getAttribute('data-max') || field.getAttribute('maxlength'), 10);
    if (!(max > 0)) return;
    field.setAttribute('data-limit-ready', '1');
    if (field.hasAttribute('maxlength')) {
      // The browser's maxlength cuts a pasted text without a word.
      field.removeAttribute('maxlength');
      field.setAttribute('data-max', String(max));
    }
    var name = nameOf(field) || '本项';
    var hint = document.createElement('span');
    hint.className = 'limit';
    hint.id = newId('limit');
    field.parentNode.insertBefore(hint, field.nextSibling);
    describedBy(field, hint.id);

    function update() {
      var n = length(field);
      if (n > max) {
        hint.textContent = '超出 ' + (n - max) + ' 字：最多 ' + max + ' 字，现有 ' + n + ' 字';
        hint.classList.add('over');
        field.setCustomValidity(name + '不能超过 ' + max + ' 字（现有 ' + n + ' 字）');
      } else {
        hint.textContent = n >= max * 0.8 ? '已填 ' + n + ' 字，最多 ' + max + ' 字' : '最多 ' + max + ' 字';
        hint.classList.remove('over');
        field.setCustomValidity('');
      }
    }
    field.addEventListener('input', update);
    update();
  }

  each('input.date', dateField);
  each('select[data-search]', searchable);
  each('input[data-max], textarea[data-max], input[maxlength], textarea[maxlength]', limited);
})();
