// The organizers' board of meeting rooms: the table is fetched again every
// 5 s (the server renders it; nothing here carries text).
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  setInterval(function () {
    if (document.hidden) { return; }
    fetch(board.dataset.refresh, { credentials: "same-origin" })
      // Signed out (a redirect to the login page) or refused: keep the table.
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) { if (html !== null) { board.innerHTML = html; } })
      .catch(function () {});
  }, 5000);
})();
