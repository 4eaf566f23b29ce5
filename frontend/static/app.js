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

// "Select all on this page" on a cohort's list reloads the page with every
// box ticked, which works without script. With script it ticks or clears
// the boxes in place and keeps what the reader ticked elsewhere on the page.
// The list is swapped in by htmx when filtered, hence one listener on the
// document.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[data-select]");
  const form = link?.closest("form[id]");
  if (!form) {
    return;
  }
  event.preventDefault();
  const all = link.dataset.select === "all";
  for (const box of document.querySelectorAll(`input[type="checkbox"][form="${form.id}"]`)) {
    box.checked = all;
  }
  const other = link.dataset.other;
  link.dataset.other = link.textContent;
  link.textContent = other;
  link.dataset.select = all ? "none" : "all";
});

// A button with data-confirm asks before its form is sent, in a modal
// dialog: showModal keeps the focus inside and gives it back on close, and
// Escape cancels. Without this script the form's confirm-check box asks
// instead, so the box gives way here.
document.addEventListener("DOMContentLoaded", () => {
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  for (const check of document.querySelectorAll(".confirm-check")) {
    check.querySelector("input").required = false;
    check.hidden = true;
  }
  const text = document.getElementById("confirm-dialog-text");
  let pending = null;
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const form = event.target;
    if (!button?.dataset.confirm || form === dialog.querySelector("form")) {
      return;
    }
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    pending = { form, button };
    text.textContent = button.dataset.confirm;
    dialog.returnValue = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    const asked = pending;
    pending = null;
    if (!asked || dialog.returnValue !== "confirm") {
      return;
    }
    const check = asked.form.querySelector(".confirm-check input");
    if (check) {
      check.checked = true;
    }
    asked.form.dataset.confirmed = "yes";
    asked.form.requestSubmit(asked.button);
  });
});

// A tap on a cell of the attendance grid sends that cell alone and swaps
// in its row, with the new rate, keeping the focus on the cell. Without
// this script, or when the answer is not a row (a refusal, a lost
// session), the form is posted as it is and the page explains.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const button = event.submitter;
  if (!form.matches?.("form[data-grid]") || button?.name !== "cell" || form.dataset.plain === "yes") {
    return;
  }
  event.preventDefault();
  const row = button.closest("tr");
  const column = button.closest("td").cellIndex;
  button.disabled = true;
  try {
    const answer = await fetch(form.action, {
      method: "POST",
      headers: { "HX-Request": "true" },
      body: new URLSearchParams({ cell: button.value }),
    });
    const part = document.createElement("template");
    part.innerHTML = answer.ok ? await answer.text() : "";
    const fresh = part.content.querySelector(`tr#${CSS.escape(row.id)}`);
    if (!fresh) {
      throw new Error(`grid: ${answer.status}`);
    }
    row.replaceWith(fresh);
    fresh.cells[column]?.querySelector("button")?.focus();
  } catch {
    button.disabled = false;
    form.dataset.plain = "yes";
    form.requestSubmit(button);
  }
});
