// Search page enhancements; the page works fully without this script (plain GET form).
(function () {
  "use strict";
  var form = document.querySelector("form.search-form");
  if (!form) return;
  var input = document.getElementById("q");
  // "/" focuses the search box, as on many search sites (not while typing in a field).
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (event.key === "/" && !/^(INPUT|SELECT|TEXTAREA)$/.test(tag) && input) {
      event.preventDefault();
      input.focus();
    }
  });
  // A changed filter re-runs the current question at once.
  form.querySelectorAll("select, input[type=number]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (input && input.value.trim()) form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
  // Leave empty filters out of the URL so shared links stay short.
  form.addEventListener("submit", function () {
    form.querySelectorAll("select, input").forEach(function (field) {
      if (field.name && field.name !== "q" && !field.value) field.disabled = true;
    });
    if (form.querySelector("#f-mode") && form.querySelector("#f-mode").value === "hybrid") {
      form.querySelector("#f-mode").disabled = true;
    }
  });
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("select, input").forEach(function (field) { field.disabled = false; });
  });
})();
