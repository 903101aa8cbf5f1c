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
