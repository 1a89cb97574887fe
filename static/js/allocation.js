/* Klyngeportalen: live totals in an allocation proposal's grid while the secretariat types. Per year the
   total against the board's frame (the difference marked whenever the year does not sum to it: over in red,
   below in yellow), per organisation the total over the period against its UFM grants. The server computes
   the same figures when the amounts are saved; this only saves a round trip. Amounts are typed the Danish
   way (1.250.000, 1 250 000 kr.), as KronerField accepts them. No inline scripts (CSP); the texts come from
   data attributes the template translated. */
(function () {
  "use strict";
  var table = document.getElementById("allocation-grid");
  if (!table) {
    return;
  }
  var english = (table.getAttribute("data-allocation-language") || "da").indexOf("en") === 0;
  var status = document.getElementById("allocation-live-status");

  var parseKroner = window.Kroner.parse;
  function formatKroner(amount) {
    return window.Kroner.format(amount, english);
  }

  function amountOf(element) {
    if (element.tagName === "INPUT") {
      return parseKroner(element.value);
    }
    return parseInt(element.getAttribute("data-amount") || "0", 10);
  }

  /* Write a difference into the cell's first span: red below zero; green at zero for a year (the frame is
     used exactly) or above zero for an organisation (the board gives more than UFM). */
  function showDifference(cell, amount, greenAtZero) {
    if (!cell) {
      return;
    }
    var span = cell.querySelector("span") || cell;
    span.textContent = amount === null ? "–" : formatKroner(amount);
    span.classList.toggle("text-negative", amount !== null && amount < 0);
    span.classList.toggle("text-positive", amount !== null && (greenAtZero ? amount === 0 : amount > 0));
  }

  function show(cell, amount) {
    if (cell) {
      cell.textContent = amount === null ? "–" : formatKroner(amount);
    }
  }

  function update() {
    var cells = table.querySelectorAll("[data-allocation-year][data-allocation-row]");
    var years = {};
    var rows = {};
    var grand = 0;
    var unreadable = false;
    var i;
    for (i = 0; i < cells.length; i++) {
      var year = cells[i].getAttribute("data-allocation-year");
      var row = cells[i].getAttribute("data-allocation-row");
      var amount = amountOf(cells[i]);
      if (!(year in years)) {
        years[year] = 0;
      }
      if (!(row in rows)) {
        rows[row] = 0;
      }
      if (amount === null) {
        unreadable = true;
        years[year] = null;
        rows[row] = null;
        grand = null;
        continue;
      }
      if (years[year] !== null) {
        years[year] += amount;
      }
      if (rows[row] !== null) {
        rows[row] += amount;
      }
      if (grand !== null) {
        grand += amount;
      }
    }
    var over = [];
    var frameTotal = 0;
    var key;
    for (key in years) {
      if (Object.prototype.hasOwnProperty.call(years, key)) {
        show(table.querySelector('[data-year-total="' + key + '"]'), years[key]);
        var frameCell = table.querySelector('[data-year-frame="' + key + '"]');
        var frame = frameCell ? parseInt(frameCell.getAttribute("data-amount") || "0", 10) : 0;
        frameTotal += frame;
        var difference = years[key] === null ? null : frame - years[key];
        showDifference(table.querySelector('[data-year-difference="' + key + '"]'), difference, true);
        var label = table.querySelector('[data-year-status="' + key + '"]');
        if (label) {
          label.textContent = "";
          if (difference === null) {
            label.textContent = table.getAttribute("data-text-unreadable");
          } else if (difference === 0) {
            label.textContent = table.getAttribute("data-text-even");
          } else {
            /* not the frame: over it in red (approval is refused), below it in yellow (money left) */
            var badge = document.createElement("strong");
            badge.className = difference < 0 ? "badge badge-error" : "badge badge-warning";
            badge.textContent = table.getAttribute(difference < 0 ? "data-text-over" : "data-text-left");
            label.appendChild(badge);
            if (difference < 0) {
              over.push(key);
            }
          }
        }
      }
    }
    for (key in rows) {
      if (Object.prototype.hasOwnProperty.call(rows, key)) {
        show(table.querySelector('[data-row-total="' + key + '"]'), rows[key]);
        var grantsCell = table.querySelector('[data-row-grants="' + key + '"]');
        var grants = grantsCell ? parseInt(grantsCell.getAttribute("data-amount") || "0", 10) : 0;
        showDifference(
          table.querySelector('[data-row-difference="' + key + '"]'),
          rows[key] === null ? null : rows[key] - grants,
          false
        );
      }
    }
    show(table.querySelector("[data-grand-total]"), grand);
    show(table.querySelector("[data-grand-difference]"), grand === null ? null : frameTotal - grand);
    if (status) {
      status.textContent = unreadable
        ? table.getAttribute("data-text-unreadable")
        : over.length
          ? over.join(", ") + ": " + table.getAttribute("data-text-over")
          : "";
    }
  }

  table.addEventListener("input", update);
  update(); /* after a refused save the inputs hold what was typed, not what is saved */
})();
