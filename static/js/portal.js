/* Klyngeportalen: start DKFDS components. Loaded with `defer`; no inline scripts (CSP). */
(function () {
  "use strict";
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
})();
