// The printable schedule's button: print the page (A4, see site.css @media print).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
