// Follows a job started from this page (jobs/includes/progress.html): asks
// its status every second and reloads the page once it has finished, so the
// page shows what came of it.
(function () {
  "use strict";
  document.querySelectorAll("[data-job-status]").forEach(function (box) {
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector(".job-bar");
    var state = box.querySelector(".job-state");
    var message = box.querySelector(".job-message");
    var failures = 0;
    function ask() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (job) {
          failures = 0;
          state.textContent = job.state_label;
          if (job.message) { message.textContent = job.message; }
          if (bar && job.percent !== null) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
          if (job.finished) { window.location.reload(); return; }
          window.setTimeout(ask, 1000);
        })
        .catch(function () {
          failures += 1;
          window.setTimeout(ask, Math.min(30000, 1000 * Math.pow(2, failures)));
        });
    }
    window.setTimeout(ask, 500);
  });
})();
