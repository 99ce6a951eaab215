/* Federation operator console, v2 — written for this project (no framework, no build step).
   Refreshes the live part of /console in place while the page is visible, and follows a resync's
   progress. Without script the page still works: forms post, and the page reloads. */
(function () {
  'use strict';

  var live = document.getElementById('live');
  var progress = document.getElementById('resync-progress');

  function refresh() {
    if (!live) { return Promise.resolve(); }
    live.setAttribute('aria-busy', 'true');
    return fetch(live.getAttribute('data-refresh'), { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { live.innerHTML = html; } })
      .catch(function () { /* the next round tries again */ })
      .then(function () { live.setAttribute('aria-busy', 'false'); });
  }

  if (live) {
    var every = Math.max(2, parseInt(live.getAttribute('data-every') || '10', 10)) * 1000;
    window.setInterval(function () {
      if (document.visibilityState === 'visible') { refresh(); }
    }, every);
  }

  function line(text, className) {
    var p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    return p;
  }

  function show(operation) {
    progress.textContent = '';
    // Every word comes from the node in the reader's language (/console?handler=Operation): the script only places it.
    var box = line(operation.title, 'notice' + (operation.state === 'Failed' ? ' error' : operation.running ? '' : ' ok'));
    box.id = 'resync-state';
    box.setAttribute('data-state', operation.state);
    var list = document.createElement('ul');
    operation.children.forEach(function (child) {
      var item = document.createElement('li');
      item.setAttribute('data-child', child.childId);
      item.textContent = child.text;
      if (child.totalRecords > 0) {
        var bar = document.createElement('progress');
        bar.max = child.totalRecords;
        bar.value = child.records;
        bar.setAttribute('aria-label', child.childId);
        item.appendChild(document.createTextNode(' '));
        item.appendChild(bar);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    progress.appendChild(box);
  }

  function follow(id) {
    fetch('/console?handler=Operation&id=' + encodeURIComponent(id), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.json(); })
      .then(function (operation) {
        if (operation.problem) { progress.textContent = ''; progress.appendChild(line(operation.problem, 'notice error')); return; }
        show(operation);
        if (operation.running) { window.setTimeout(function () { follow(id); }, 1000); } else { refresh(); }
      })
      .catch(function () { window.setTimeout(function () { follow(id); }, 2000); });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!progress || !form.hasAttribute('data-resync')) { return; }
    event.preventDefault();
    fetch(form.getAttribute('action'), { method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.problem) { progress.textContent = ''; progress.appendChild(line(answer.problem, 'notice error')); return; }
        show(answer);
        follow(answer.id);
      })
      .catch(function () { form.submit(); });
  });
}());
