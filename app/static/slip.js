// The slip's print button: it needs a script, so it is shown only when this runs; without it
// the PDF link beside it prints the same slip at 80 mm.
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
