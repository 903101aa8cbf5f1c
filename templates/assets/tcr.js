// tcr's only script, and nothing depends on it: every page works without it.
// The error summary pattern of the NHS.UK and GOV.UK design systems: when a form comes back with
// errors, focus moves to the summary so that a screen reader announces it at once; each of its
// links then moves focus to the field it names (the first control of a group), with the field's
// label or legend scrolled into view above it.
(function () {
  'use strict';
  var summary = document.querySelector('.error-summary');
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener('click', function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)));
    if (!target) { return; }
    var control = target.matches('input, select, textarea, button')
      ? target
      : target.querySelector('input:not([type=hidden]), select, textarea');
    if (!control) { return; }
    event.preventDefault();
    var group = control.closest('fieldset');
    var label = (group && group.querySelector('legend')) ||
      document.querySelector('label[for="' + CSS.escape(control.id) + '"]') || control;
    label.scrollIntoView();
    control.focus({ preventScroll: true });
  });
})();

// The timeout warning (the GOV.UK and NHS.UK pattern). A signed-in page's <body> says how many
// seconds its session has left, as the server recorded its last activity; two minutes before
// the end a modal dialog offers to stay signed in. Its countdown is shown every second but
// announced to screen readers only when it opens and every 30 seconds. Escape, like the button,
// keeps the session alive (a same-origin POST with the CSRF token). Tabs of one browser share
// the end time, so one kept alive keeps the others. When the time runs out, a form typed in on
// this page is sent to be kept (not sent on) for its user to send after signing in again;
// otherwise the sign-in page comes next, saying why.
(function () {
  'use strict';
  var body = document.body;
  var dialog = document.getElementById('timeout-warning');
  if (!body.dataset.sessionLeft || !dialog || typeof dialog.showModal !== 'function') { return; }
  var KEY = 'tcr-session-ends';
  var now = Date.now();
  var limit = now + Number(body.dataset.sessionLimitLeft) * 1000;
  var idle = Number(body.dataset.sessionIdle) * 1000;
  var warn = Number(body.dataset.sessionWarn) * 1000;
  var ends = now + Number(body.dataset.sessionLeft) * 1000;
  var countdown = dialog.querySelector('[data-timeout-countdown]');
  var spoken = dialog.querySelector('[data-timeout-spoken]');
  var live = dialog.querySelector('[data-timeout-live]');
  var stay = dialog.querySelector('[data-timeout-stay]');
  var token = dialog.querySelector('input[name="csrf_token"]').value;
  var lastSpoken = 0;
  var finished = false;

  function shared() {
    try { return Number(window.localStorage.getItem(KEY)) || 0; } catch (e) { return 0; }
  }
  function share(at) {
    try { window.localStorage.setItem(KEY, String(at)); } catch (e) { /* private mode */ }
  }
  // Another tab's later end (it was kept alive) counts here too, within the 12-hour limit.
  function end() {
    ends = Math.max(ends, Math.min(shared(), limit));
    return ends;
  }
  share(end());

  function words(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    var parts = [];
    if (m) { parts.push(m + (m === 1 ? ' minute' : ' minutes')); }
    if (s || !m) { parts.push(s + (s === 1 ? ' second' : ' seconds')); }
    return parts.join(' ');
  }

  // Only forms the user has typed in are worth keeping.
  var typedIn = null;
  document.addEventListener('input', function (event) {
    var form = event.target.form;
    if (form && form.method === 'post' && !dialog.contains(form)) { typedIn = form; }
  });

  function open() {
    if (dialog.open) { return; }
    dialog.showModal();
    stay.focus();
    lastSpoken = 0;
  }
  function close() {
    if (dialog.open) { dialog.close(); }
  }

  function timeUp() {
    finished = true;
    if (typedIn) {
      // Attributes and the prototype's submit: a field named "action" or "submit" cannot hide them.
      var to = new URL(typedIn.getAttribute('action') || '', window.location.href).pathname;
      typedIn.setAttribute('action', '/kept?to=' + encodeURIComponent(to));
      HTMLFormElement.prototype.submit.call(typedIn);
    } else {
      window.location.assign('/login?next=' +
        encodeURIComponent(window.location.pathname + window.location.search));
    }
  }

  function tick() {
    if (finished) { return; }
    var left = end() - Date.now();
    if (left <= 0) { close(); timeUp(); return; }
    if (left > warn) { close(); return; }
    open();
    countdown.textContent = words(left);
    var t = Date.now();
    if (!lastSpoken || t - lastSpoken >= 30000) {
      lastSpoken = t;
      spoken.textContent = words(left);
      live.textContent = 'You will be signed out in ' + words(left) + '.';
    }
  }

  function keepAlive() {
    close();
    fetch('/session/keep-alive', {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'csrf_token=' + encodeURIComponent(token),
    }).then(function (res) {
      if (res.status !== 204) { timeUp(); return; }
      ends = Math.min(Date.now() + idle, limit);
      share(ends);
    }, function () { /* offline: the countdown goes on */ });
  }

  stay.addEventListener('click', keepAlive);
  // Escape means stay signed in, as the pattern says.
  dialog.addEventListener('cancel', function (event) { event.preventDefault(); keepAlive(); });
  // Focus stays within the dialog while it is open.
  dialog.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab') { return; }
    var controls = dialog.querySelectorAll('button');
    var first = controls[0];
    var last = controls[controls.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault(); first.focus();
    }
  });
  window.setInterval(tick, 1000);
  tick();
})();
