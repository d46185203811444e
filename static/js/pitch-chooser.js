// The programme's pitch chooser: typing a title, an institution or a project
// number lists the achievements that may be pitched in this roadshow; picking
// one fills in its project number (or id), which the form accepts as before.
(function () {
  "use strict";
  var form = document.querySelector("form[data-choices]");
  if (!form) { return; }
  var input = form.querySelector("[data-pitch-chooser]");
  var list = document.getElementById("pitch-choices");
  if (!input || !list) { return; }
  var timer = null, asked = "";

  function fill(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var option = document.createElement("option");
      option.value = r.value;
      option.label = r.title + " · " + r.owner + (r.number ? " · " + r.number : "");
      option.textContent = option.label;
      list.appendChild(option);
    });
  }

  function ask() {
    var text = input.value.trim();
    if (text === asked) { return; }
    asked = text;
    if (text.length < 2) { fill([]); return; }
    fetch(form.dataset.choices + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (asked === text) { fill(data.results); } })
      .catch(function () { /* the typed number still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();
