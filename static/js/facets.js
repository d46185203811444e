// The catalogue's filters are open beside the results on a wide screen and
// folded under the search box on a phone, where 31 provinces would otherwise
// push the results screens down. Runs right after the panel is parsed, before
// it is painted.
(function () {
  var panel = document.getElementById("facets");
  if (panel && window.matchMedia("(max-width: 800px)").matches) {
    panel.open = false;
  }
})();
