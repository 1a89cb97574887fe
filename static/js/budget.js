/* Klyngeportalen: live totals in the budget table while the applicant types. The server computes the
   same totals when the budget is saved; this only saves a round trip. Amounts are typed the Danish way
   (1.250.000, 1 250 000 kr., 1.250.000,00), as KronerField accepts them. No inline scripts (CSP). */
(function () {
  "use strict";
  var table = document.getElementById("budget-table");
  if (!table) {
    return;
  }
  var english = (table.getAttribute("data-budget-language") || "da").indexOf("en") === 0;

  var parseKroner = window.Kroner.parse;
  function formatKroner(amount) {
    return window.Kroner.format(amount, english);
  }

  function show(cell, amount) {
    if (cell) {
      cell.textContent = amount === null ? "–" : formatKroner(amount);
    }
  }

  function update() {
    var inputs = table.querySelectorAll("input[data-budget-year]");
    var years = {};
    var columns = { board: 0, ufm: 0, cofinancing: 0, all: 0 };
    var i;
    for (i = 0; i < inputs.length; i++) {
      var year = inputs[i].getAttribute("data-budget-year");
      var column = inputs[i].getAttribute("data-budget-column");
      var amount = parseKroner(inputs[i].value);
      if (!(year in years)) {
        years[year] = 0;
      }
      if (amount === null || years[year] === null) {
        years[year] = null;
      } else {
        years[year] += amount;
      }
      if (columns[column] !== null) {
        columns[column] = amount === null ? null : columns[column] + amount;
      }
    }
    for (var key in years) {
      if (Object.prototype.hasOwnProperty.call(years, key)) {
        show(table.querySelector('[data-budget-total-year="' + key + '"]'), years[key]);
      }
    }
    columns.all = columns.board === null || columns.ufm === null || columns.cofinancing === null
      ? null
      : columns.board + columns.ufm + columns.cofinancing;
    for (var name in columns) {
      if (Object.prototype.hasOwnProperty.call(columns, name)) {
        show(table.querySelector('[data-budget-total-column="' + name + '"]'), columns[name]);
      }
    }
  }

  table.addEventListener("input", update);
  update(); /* after a refused save the inputs hold what was typed, not what is saved */
})();
