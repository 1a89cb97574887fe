/* Klyngeportalen: start DKFDS components. Loaded with `defer`; no inline scripts (CSP). */
(function () {
  "use strict";
  var DKFDS = window.DKFDS;
  if (!DKFDS || typeof DKFDS.init !== "function") {
    return;
  }
  DKFDS.init();

  /* Character limits. The crispy template pack marks a length-limited field with
     data-portal-limit (not .form-limit, which DKFDS.init would start with its Danish-only texts)
     and carries the translated texts in data attributes; start each one with those texts. */
  function startCharacterLimits(scope) {
    var limits = scope.querySelectorAll("[data-portal-limit]:not([data-portal-limit-started])");
    for (var i = 0; i < limits.length; i++) {
      var el = limits[i];
      el.setAttribute("data-portal-limit-started", "");
      el.classList.add("form-limit");
      var limit = new DKFDS.CharacterLimit(el, {
        character_remaining: el.getAttribute("data-text-remaining-one"),
        characters_remaining: el.getAttribute("data-text-remaining"),
        character_too_many: el.getAttribute("data-text-too-many-one"),
        characters_too_many: el.getAttribute("data-text-too-many")
      });
      limit.init();
      if (scope !== document) {
        limit.silentUpdateMessages(); /* a page load does this on pageshow; a swap must do it now */
      }
    }
  }
  startCharacterLimits(document);

  /* HTMX swaps in new markup (inline scoring, autosave). DKFDS.init() must not run twice on the
     page (it would add a second "more" menu to the header), so start only what a swap can bring. */
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.querySelectorAll) {
      startCharacterLimits(event.target);
    }
  });
})();
