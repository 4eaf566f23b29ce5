// Kohorte's own script. It only adds conveniences: every page works
// without it. It is a file of its own because the Content-Security-Policy
// blocks inline scripts.
"use strict";

// A one-time link or token is shown once, in a read-only field. Focusing
// the field selects it, and where the browser allows it a button copies it.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll(".copy__field")) {
    field.addEventListener("focus", () => field.select());
  }
  if (!navigator.clipboard) {
    return;
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.closest(".copy")?.querySelector(".copy__status");
    if (!field) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) {
          status.textContent = button.dataset.copied;
        }
      } catch {
        field.focus();
      }
    });
  }
});
