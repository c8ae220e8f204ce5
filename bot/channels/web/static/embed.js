/* haven web chat embed: adds a "Chat with haven" button to an operator's page; it opens the chat
   in its own small window. A window rather than an iframe, because browsers do not send the chat's
   session cookie (SameSite=Strict) inside another site's frame, and the chat page refuses to be
   framed so that no other page can overlay it.
   Use: <script src="https://YOUR-HAVEN/embed.js" async></script>
   Options, as attributes of that script tag: data-lang="es" (else the page's lang),
   data-target="#element" (put the button there instead of floating it bottom right). */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var labels = __LABELS__;
  var lang = (script.getAttribute('data-lang') || document.documentElement.lang || 'en')
    .slice(0, 2).toLowerCase();
  var label = labels[lang] || labels.en;

  function mount() {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'haven-chat-button';
    b.textContent = label;
    var target = script.getAttribute('data-target');
    var parent = target ? document.querySelector(target) : null;
    if (!parent) {
      b.style.cssText = 'position:fixed;right:1rem;bottom:1rem;z-index:2147483000;' +
        'min-height:48px;padding:.6rem 1.1rem;border:0;border-radius:.6rem;' +
        'background:#0b5563;color:#fff;font:600 1rem/1.2 system-ui,sans-serif;' +
        'cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)';
      parent = document.body;
    }
    b.addEventListener('click', function () {
      window.open(origin + '/', 'haven-chat', 'popup,width=420,height=720,noopener,noreferrer');
    });
    parent.appendChild(b);
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
