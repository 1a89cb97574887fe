/* Klyngeportalen: whole kroner typed and shown the Danish way, for the pages' live totals
   (budget.js, allocation.js). Reads what KronerField accepts: 1.250.000, 1 250 000 kr., 1.250.000,00. */
(function () {
  "use strict";
  window.Kroner = {
    /* Return whole kroner for a Danish-format amount, 0 for an empty field, or null when unreadable. */
    parse: function (text) {
      text = (text || "").replace(/\s+/g, "").replace(/(kr\.?|DKK)$/i, "").replace(/^DKK/i, "");
      if (text === "") {
        return 0;
      }
      var match = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/.exec(text);
      if (!match || (match[2] && parseInt(match[2], 10) !== 0)) {
        return null;
      }
      return parseInt(match[1].replace(/\./g, ""), 10);
    },
    /* Return an amount as the page shows it: 1.250.000 kr. (Danish) or DKK 1,250,000 (English). */
    format: function (amount, english) {
      var sign = amount < 0 ? "-" : "";
      var digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, english ? "," : ".");
      return english ? "DKK " + sign + digits : sign + digits + " kr.";
    }
  };
})();
