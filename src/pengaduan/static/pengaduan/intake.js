// Intake forms: show only the details the chosen channel needs, and no identity fields for an anonymous
// complaint. Without JavaScript every field stays visible and the server checks what is required.
(function () {
  function sync(form) {
    var channel = form.querySelector("[name=channel]");
    if (channel) {
      form.querySelectorAll(".channel-detail").forEach(function (detail) {
        detail.hidden = detail.dataset.channel !== channel.value;
      });
    }
    var anonymous = form.querySelector("[name=is_anonymous]");
    var identity = form.querySelector(".identity");
    if (anonymous && identity) {
      identity.hidden = anonymous.checked;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector(".channel-detail, .identity")) return;
      sync(form);
      form.addEventListener("change", function () { sync(form); });
    });
  });
})();
