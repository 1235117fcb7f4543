// The API tokens page: "Copy" buttons copy the text of the element named by their data-copy attribute.
// A static file, not an inline script, so the page works under a strict Content-Security-Policy.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) {
        return;
      }
      const label = button.textContent;
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch (error) {
        // No clipboard access (an insecure origin, say): select the text so the user can copy it.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => {
        button.textContent = label;
      }, 2000);
    });
  }
});
