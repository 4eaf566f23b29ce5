// The scoring sheet saves a juror's draft as they type. Every change is
// kept in this browser's localStorage at once, and sent to the API a
// moment later (PUT /api/v1/groups/{id}/sheet); when the connection drops
// it is sent again until it arrives. A reload, or a phone that ran out of
// battery, therefore loses nothing: on load, a copy that the server has
// not seen yet (made on the revision the page shows, or a later one) is
// put back into the form and saved. Without this script the form's own
// buttons post the sheet.
(() => {
  "use strict";

  const DELAY = 600; // ms after the last change before saving
  const RETRY = 4000; // ms before a failed save is first sent again
  const MAX_RETRY = 60000; // ms: failed saves back off up to this

  // A submitted sheet needs no copy any more.
  for (const done of document.querySelectorAll("[data-sheet-done]")) {
    try {
      localStorage.removeItem(done.dataset.storageKey);
    } catch {
      // Storage may be disabled; there is nothing to clear then.
    }
  }

  const form = document.querySelector("form[data-sheet]");
  if (!form) {
    return;
  }
  const status = document.getElementById("sheet-status");
  const key = form.dataset.storageKey;
  let revision = Number(form.dataset.revision) || 0;
  let timer = 0;
  let sending = false;
  let again = false;
  let wait = RETRY;

  // Logging out deletes the browser's copy (Clear-Site-Data), so while
  // the server lacks the latest entry the logout button asks first.
  const logout = document.querySelector("[data-nav='logout']");

  const show = (state) => {
    status.dataset.state = state;
    status.textContent = status.dataset[state] || "";
    if (!logout) {
      return;
    }
    if (state === "saved") {
      delete logout.dataset.confirm;
    } else {
      logout.dataset.confirm = form.dataset.unsavedLogout;
    }
  };

  // hundredths reads points typed with a comma or a point and at most two
  // decimals, as the server does; null for anything else.
  const hundredths = (raw) => {
    const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(raw.trim());
    return m ? Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0")) : null;
  };

  // values is what the form holds, by input name, as the copy keeps it.
  const values = () => {
    const out = {};
    for (const input of form.querySelectorAll("[name^='points_'], [name='comment']")) {
      if (input.type === "radio") {
        if (input.checked) {
          out[input.name] = input.value;
        }
      } else {
        out[input.name] = input.value;
      }
    }
    return out;
  };

  const restore = (saved) => {
    for (const [name, value] of Object.entries(saved)) {
      for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (input.type === "radio") {
          input.checked = input.value === value;
        } else {
          input.value = value;
        }
      }
    }
  };

  const remember = (dirty) => {
    try {
      localStorage.setItem(key, JSON.stringify({ base: revision, dirty, at: Date.now(), values: values() }));
    } catch {
      // A full or disabled storage leaves the server's copy as the only one.
    }
  };

  const stored = () => {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch {
      return null;
    }
  };

  // body is the sheet as the API takes it; null while some points are no
  // number.
  const body = () => {
    const points = [];
    for (const set of form.querySelectorAll("[data-criterion]")) {
      const input = set.querySelector("input[type=radio]:checked, input[inputmode=decimal]");
      const raw = input ? input.value : "";
      if (raw.trim() === "") {
        continue;
      }
      const h = hundredths(raw);
      if (h === null) {
        return null;
      }
      points.push({ criterion_id: Number(set.dataset.criterion), points_hundredths: h });
    }
    return { comment: form.elements.comment.value, points };
  };

  const later = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(save, ms);
  };

  async function save() {
    clearTimeout(timer);
    if (sending) {
      again = true;
      return;
    }
    const sheet = body();
    if (!sheet) {
      show("invalid");
      return;
    }
    sending = true;
    again = false;
    show("saving");
    // sent is what this request carries: a change typed while it travels
    // keeps the copy unsent, even if the answer comes before the change
    // is sent in turn.
    const sent = JSON.stringify(sheet);
    let retry = 0;
    try {
      const answer = await fetch(form.dataset.api, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(sheet),
      });
      if (answer.ok) {
        const saved = await answer.json();
        revision = saved.revision;
        form.dataset.revision = String(revision);
        wait = RETRY;
        if (!again && JSON.stringify(body()) === sent) {
          remember(false);
          show("saved");
        } else if (!again) {
          show("pending");
        }
      } else if (answer.status >= 500 || answer.status === 429) {
        // The server asks for patience: wait as long as it says, else
        // twice as long as last time, up to a minute.
        const asked = Number(answer.headers.get("Retry-After")) * 1000;
        retry = asked > 0 ? asked : wait;
      } else {
        // Refused (locked, closed, logged out, or points the rubric does
        // not allow): sending it again will not help, the copy stays.
        show(answer.status === 422 ? "invalid" : "refused");
      }
    } catch {
      retry = wait;
    } finally {
      sending = false;
    }
    if (again) {
      save();
    } else if (retry) {
      show("retry");
      later(retry);
      wait = Math.min(wait * 2, MAX_RETRY);
    }
  }

  const changed = () => {
    remember(true);
    show("pending");
    later(DELAY);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", () => {
    if (status.dataset.state === "retry") {
      save();
    }
  });

  const copy = stored();
  if (copy && copy.dirty && copy.base >= revision && copy.values) {
    restore(copy.values);
    show("restored");
    save();
  }
})();
