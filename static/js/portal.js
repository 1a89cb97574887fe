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

  /* A table in DKFDS's .table--responsive-scroll wrapper scrolls sideways on a narrow screen. A
     keyboard user can only scroll it if the wrapper can take focus (WCAG 2.1.1), so while it
     overflows it becomes a focusable region named by the table's caption. */
  function markScrollRegions(scope) {
    var wrappers = scope.querySelectorAll(".table--responsive-scroll");
    for (var i = 0; i < wrappers.length; i++) {
      var wrapper = wrappers[i];
      var managed = wrapper.hasAttribute("data-portal-scroll-region");
      if (wrapper.hasAttribute("tabindex") && !managed) {
        continue; /* the template made it focusable itself */
      }
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        var caption = wrapper.querySelector("caption");
        wrapper.setAttribute("data-portal-scroll-region", "");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        if (caption && caption.textContent.trim()) {
          wrapper.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (managed) {
        wrapper.removeAttribute("data-portal-scroll-region");
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    }
  }
  markScrollRegions(document);
  window.addEventListener("load", function () { markScrollRegions(document); });
  window.addEventListener("resize", function () { markScrollRegions(document); });

  /* Choosing a file inside the autosaved form must not autosave it (the file goes with its own
     upload form), so its input/change events stop at the file input. */
  function shieldFileInputs(scope) {
    var inputs = scope.querySelectorAll("#section-form input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].addEventListener("change", function (event) { event.stopPropagation(); });
      inputs[i].addEventListener("input", function (event) { event.stopPropagation(); });
    }
  }
  shieldFileInputs(document);

  /* Never lose a word: an upload reloads the page, so text typed in the section's autosaved form
     during the autosave delay is saved first, and the upload goes ahead only once that save is
     confirmed. When it is not (the server failed or refused, the session expired, the network is
     down), the upload waits: the page stays as it is with the text in the form, the file stays
     chosen, and a message by the Upload button says so; pressing Upload again tries both again. */
  function savedFragment(html) {
    return html.indexOf('class="portal-saved"') !== -1;
  }

  function showHeld(section, upload, submitter, fragment) {
    var status = document.getElementById("save-status");
    if (status && fragment !== null) {
      status.innerHTML = fragment;  /* the server's own words: expired session, fields to correct */
    }
    var anchor = submitter || upload.querySelector("[type=submit]");
    var message = document.createElement("p");
    message.className = "portal-upload-held form-error-message";
    message.setAttribute("role", "alert");
    message.textContent = section.getAttribute("data-upload-held") || "";
    if (anchor && anchor.parentNode) {
      anchor.parentNode.insertBefore(message, anchor);
    } else {
      upload.insertBefore(message, upload.firstChild);
    }
  }

  function clearHeld() {
    var held = document.querySelectorAll(".portal-upload-held");
    for (var i = 0; i < held.length; i++) { held[i].parentNode.removeChild(held[i]); }
  }

  document.addEventListener("submit", function (event) {
    var upload = event.target;
    var section = document.getElementById("section-form");
    if (!section || !upload.classList || !upload.classList.contains("portal-upload-form")) {
      return;
    }
    if (upload.hasAttribute("data-portal-text-saved") || !section.hasAttribute("hx-post")) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    clearHeld();
    var proceed = function () {
      upload.setAttribute("data-portal-text-saved", "");
      if (submitter && upload.requestSubmit) {
        upload.requestSubmit(submitter);  /* keeps the button's formaction (Remove posts elsewhere) */
      } else {
        upload.submit();
      }
    };
    fetch(section.getAttribute("hx-post"), {
      method: "POST",
      body: new FormData(section),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (!response.ok) {
        showHeld(section, upload, submitter, null);
        return;
      }
      return response.text().then(function (html) {
        if (savedFragment(html)) {
          proceed();
        } else {
          showHeld(section, upload, submitter, html);
        }
      });
    }, function () {
      showHeld(section, upload, submitter, null);
    });
  }, true);

  /* HTMX swaps in new markup (inline scoring, autosave). DKFDS.init() must not run twice on the
     page (it would add a second "more" menu to the header), so start only what a swap can bring. */
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.querySelectorAll) {
      startCharacterLimits(event.target);
      markScrollRegions(event.target);
    }
  });
})();
