/* Klyngeportalen: inline scoring in the review matrix (HTMX). No inline scripts (CSP). */
(function () {
  "use strict";
  var matrix = document.getElementById("review-matrix");
  if (!matrix) {
    return;
  }
  /* A refused score comes back as 422 with the form and its message: show it (HTMX ignores 4xx by default). */
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  /* Keep the keyboard user where they were: into the cell's form when it opens, back to the row after a save. */
  matrix.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt || event.target;
    if (!target || !target.querySelector) {
      return;
    }
    var invalid = target.querySelector("[aria-invalid='true'], .form-error input, .form-error textarea");
    var field = invalid || target.querySelector("input[type='number'], input:not([type='hidden']), textarea");
    if (field && target.tagName !== "TR") {
      field.focus();
      return;
    }
    var link = target.tagName === "TR" ? target.querySelector("th a") : null;
    if (link) {
      link.focus();
    }
  });
})();
