// Step forms: show only the fields that apply. Intake shows the chosen channel's details and no identity
// fields for an anonymous complaint; a field marked data-show-when="other" (a checkbox) or
// "other=value1,value2" (a choice) shows only then. Without JavaScript every field stays visible, and the
// server checks what is required either way.
(function () {
  function sync(form) {
    var channel = form.querySelector("[name=channel]");
    if (channel) {
      form.querySelectorAll(".channel-detail").forEach(function (detail) {
        // data-channel lists the channels (space-separated) that bring this detail.
        detail.hidden = detail.dataset.channel.split(" ").indexOf(channel.value) === -1;
      });
    }
    form.querySelectorAll("[data-show-when]").forEach(function (input) {
      var rule = input.dataset.showWhen.split("=");
      var other = form.querySelector("[name=" + rule[0] + "]");
      if (!other) return;
      var shown = rule.length === 1 ? other.checked : rule[1].split(",").indexOf(other.value) !== -1;
      var wrapper = input.closest(".field") || input;
      wrapper.hidden = !shown;
    });
    var anonymous = form.querySelector("[name=is_anonymous]");
    var identity = form.querySelector(".identity");
    if (anonymous && identity) {
      identity.hidden = anonymous.checked;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector(".channel-detail, .identity, [data-show-when]")) return;
      sync(form);
      form.addEventListener("change", function () { sync(form); });
    });
  });
})();
