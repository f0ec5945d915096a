// Copy buttons: shown only when JavaScript runs; without it the text field stays selectable.
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  var source = document.getElementById(button.getAttribute("data-copy-target"));
  var status = button.parentElement.querySelector(".copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    var done = function () { if (status) status.textContent = "Gekopieerd."; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, function () { source.select(); });
    } else {
      source.select();
      if (document.execCommand("copy")) done();
    }
  });
});
