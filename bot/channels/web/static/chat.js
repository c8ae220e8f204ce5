/* haven web chat. With JavaScript on, messages go by fetch and replies appear in place, and texts
   sent later (a counselor's reply) arrive over server-sent events. Without JavaScript the page is
   plain forms and works the same, one page load per message. No third-party code, no storage:
   the conversation lives in this page only. */
(function () {
  'use strict';
  var form = document.getElementById('send');
  var log = document.getElementById('log');
  var box = document.getElementById('text');
  var choices = document.getElementById('choices');
  var status = document.getElementById('status');
  var exit = document.getElementById('exit');
  var leave = document.getElementById('leave');
  if (!form || !log || !box || !choices || !status) return;

  // The hidden history fields serve the no-JS path; here the page itself is the history.
  var carried = form.querySelectorAll('input[name="h"], input[name="c"]');
  for (var i = 0; i < carried.length; i++) carried[i].parentNode.removeChild(carried[i]);

  var events = null;
  var token = form.elements.csrf.value;

  function setToken(t) {
    if (!t || t === token) return;
    token = t;
    var fields = document.querySelectorAll('input[name="csrf"]');
    for (var i = 0; i < fields.length; i++) fields[i].value = t;
    // A new token means a new session: listen on its mailbox instead.
    listen();
  }

  function say(note) {
    status.textContent = '';
    if (!note) return;
    var p = document.createElement('p');
    p.textContent = note;
    status.appendChild(p);
  }

  // A message bubble. haven's replies come with `html`, rendered (and escaped) by the server:
  // phone numbers as tel: links, places as cards. What the visitor wrote is only ever text.
  function add(who, text, lang, html, places) {
    var li = document.createElement('li');
    li.className = 'msg ' + (who === 'me' ? 'me' : 'bot') + (places ? ' has-places' : '');
    if (lang) li.lang = lang;
    var label = document.createElement('span');
    label.className = 'visually-hidden';
    label.textContent = (who === 'me' ? log.getAttribute('data-you') : log.getAttribute('data-haven')) + ': ';
    li.appendChild(label);
    if (who !== 'me' && html) {
      li.insertAdjacentHTML('beforeend', html);
    } else {
      var body = document.createElement('span');
      body.className = 'text';
      body.textContent = text;
      li.appendChild(body);
    }
    log.appendChild(li);
    return li;
  }

  function offer(list) {
    choices.textContent = '';
    for (var i = 0; i < list.length; i++) {
      var b = document.createElement('button');
      b.type = 'submit';
      b.name = 'choice';
      b.value = String(i + 1);
      b.textContent = list[i];
      choices.appendChild(b);
    }
    choices.hidden = list.length === 0;
  }

  // Shows replies; the last one's choices become the buttons (or clear them, if `always`).
  // The first new reply is scrolled to the top, so "Call 911 now" is read first.
  function show(replies, lang, always) {
    var first = null;
    var offered = [];
    (replies || []).forEach(function (r) {
      var li = add('bot', r.text, lang, r.html, !!r.listing);
      if (!first) first = li;
      offered = r.choices || [];
    });
    if (always || offered.length) offer(offered);
    if (first) first.scrollIntoView({ block: 'start' });
  }

  function applyUi(data) {
    if (data.lang) document.documentElement.lang = data.lang;
    var ui = data.ui || {};
    var els = document.querySelectorAll('[data-ui]');
    for (var i = 0; i < els.length; i++) {
      var t = ui[els[i].getAttribute('data-ui')];
      if (t) els[i].textContent = t;
    }
    els = document.querySelectorAll('[data-ui-placeholder]');
    for (i = 0; i < els.length; i++) {
      t = ui[els[i].getAttribute('data-ui-placeholder')];
      if (t) els[i].setAttribute('placeholder', t);
    }
    els = document.querySelectorAll('[data-ui-label]');
    for (i = 0; i < els.length; i++) {
      t = ui[els[i].getAttribute('data-ui-label')];
      if (t) els[i].setAttribute('aria-label', t);
    }
    if (ui.you) log.setAttribute('data-you', ui.you);
    if (ui.haven) log.setAttribute('data-haven', ui.haven);
    if (ui.failed) form.setAttribute('data-failed', ui.failed);
    var rich = data.ui_html || {};
    els = document.querySelectorAll('[data-ui-html]');
    for (i = 0; i < els.length; i++) {
      t = rich[els[i].getAttribute('data-ui-html')];
      if (t) els[i].innerHTML = t;
    }
    if (leave && typeof data.handoff === 'boolean') leave.hidden = !data.handoff;
    setToken(data.csrf);
  }

  var busy = false;
  function post(fields, shown, clearBox) {
    if (busy) return;
    busy = true;
    var body = new URLSearchParams();
    body.set('csrf', token);
    Object.keys(fields).forEach(function (k) { body.set(k, fields[k]); });
    fetch('/chat', {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        applyUi(data);
        if (data.error) {
          say([data.note, data.error].filter(Boolean).join(' '));
          return;
        }
        say(data.note);
        add('me', shown);
        if (clearBox) box.value = '';
        show(data.replies, data.lang, true);
      })
      .catch(function () { say(form.getAttribute('data-failed')); })
      .then(function () { busy = false; });
  }

  function sendBox() {
    post({ text: box.value }, box.value.trim(), true);
  }

  // A choice posts its number (the engine takes it as the answer) and shows its label.
  choices.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('button[name="choice"]') : null;
    if (!b) return;
    e.preventDefault();
    post({ choice: b.value }, b.textContent, false);
  });

  // "Back to the bot" sends the leave word; the bubble shows the button's label.
  if (leave) {
    leave.addEventListener('click', function (e) {
      e.preventDefault();
      post({ leave: '1' }, leave.textContent, false);
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    sendBox();
  });

  // Enter sends; Shift+Enter makes a new line.
  box.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendBox();
    }
  });

  function listen() {
    if (!window.EventSource) return;
    if (events) events.close();
    events = new EventSource('/chat/events');
    events.onmessage = function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (_) { return; }
      show(d.replies, null, false);
    };
  }
  listen();

  // Exit quickly: blank the page at once, end the session without waiting for an answer, and
  // replace this page in the history so Back does not return to it.
  if (exit) {
    exit.addEventListener('submit', function (e) {
      e.preventDefault();
      var to = exit.getAttribute('data-href') || 'https://www.google.com/search?q=weather';
      try {
        var b = new URLSearchParams();
        b.set('csrf', token);
        b.set('js', '1');
        navigator.sendBeacon('/chat/exit', b);
      } catch (_) { /* leaving matters more than the beacon */ }
      if (events) events.close();
      document.title = '';
      document.body.textContent = '';
      window.location.replace(to);
    });
  }
})();
