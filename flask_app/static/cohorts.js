// The cohort preview: drag a manager onto another cohort to move them. Each manager also has
// a form with a select and a button, which is what dropping fills in and submits (and what
// works without a pointer or without this script).
document.querySelectorAll("[data-member]").forEach(function (item) {
  item.addEventListener("dragstart", function (event) {
    event.dataTransfer.setData("text/plain", item.dataset.member);
    event.dataTransfer.effectAllowed = "move";
  });
});
document.querySelectorAll("[data-cohort]").forEach(function (target) {
  target.addEventListener("dragover", function (event) {
    event.preventDefault();
    target.classList.add("over");
  });
  target.addEventListener("dragleave", function () { target.classList.remove("over"); });
  target.addEventListener("drop", function (event) {
    event.preventDefault();
    target.classList.remove("over");
    var email = event.dataTransfer.getData("text/plain");
    var form = document.querySelector('form[data-move="' + CSS.escape(email) + '"]');
    if (!form || form.closest("[data-cohort]") === target) { return; }
    form.querySelector("select[name=to]").value = target.dataset.cohort;
    form.submit();
  });
});
