/* Wharf's one script (static file: the Content-Security-Policy allows no inline script). Every page works
   without it; with it:
   - narrow screens get one "Menu" button instead of rows of links (the <html> element gets the class "js"
     at once, so the stylesheet can fold the menu before the first paint);
   - buttons with data-copy-text="TEXT" (or data-copy-from="ID") copy to the clipboard and say so;
   - while the index refuses writes (<body data-writes-closed="REASON">), every POST form that is not marked
     data-open-when-closed is disabled before anyone types into it, with the reason above it;
   - a form with data-confirm="QUESTION" asks before it is sent. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain-HTTP pages (a local index) have no async clipboard: select a scratch field and copy it.
    return new Promise(function (resolve, reject) {
      var scratch = document.createElement("textarea");
      scratch.value = text;
      scratch.setAttribute("readonly", "");
      scratch.className = "visually-hidden";
      document.body.appendChild(scratch);
      scratch.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      document.body.removeChild(scratch);
      if (copied) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button[data-copy-text], button[data-copy-from]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = button.dataset.copyFrom && document.getElementById(button.dataset.copyFrom);
        var text = source ? source.textContent.trim() : button.dataset.copyText;
        var label = button.textContent;
        copyText(text).then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
        }, function () {
          button.textContent = "Select and copy it";
        }).then(function () {
          window.setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
        });
      });
    });
  }

  function closeWriteForms() {
    var reason = document.body.dataset.writesClosed;
    if (!reason) return;
    document.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
      if (form.hasAttribute("data-open-when-closed")) return;
      form.querySelectorAll("input, select, textarea, button").forEach(function (control) {
        if (control.type !== "hidden") control.disabled = true;
      });
      var note = document.createElement("p");
      note.className = "form-closed";
      note.setAttribute("role", "note");
      note.textContent = reason;
      form.insertBefore(note, form.firstChild);
    });
  }

  function setUpConfirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    setUpCopyButtons();
    closeWriteForms();
    setUpConfirmations();
  });
})();
