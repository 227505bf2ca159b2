// siu web: the little interactivity the page needs, in plain JavaScript (no build step, no CDN).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Exports: dropped on the zone or picked, then sent at once.
  const form = document.getElementById("upload-form");
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  if (form && input && drop) {
    input.addEventListener("change", () => { if (input.files.length) form.submit(); });
    ["dragenter", "dragover"].forEach((name) => drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((name) => drop.addEventListener(name, () => drop.classList.remove("over")));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        form.submit();
      }
    });
  }

  // A running run: poll its status, show the lines done, reload when it has ended.
  const progress = document.getElementById("progress");
  if (progress) {
    const rows = document.getElementById("rows");
    const noun = document.getElementById("rows-noun");
    const seconds = document.getElementById("seconds");
    const lang = document.documentElement.lang;
    const poll = async () => {
      try {
        const response = await fetch(progress.dataset.status, { credentials: "same-origin", cache: "no-store" });
        const status = await response.json();
        rows.textContent = status.rows.toLocaleString(lang === "en" ? "en-GB" : "da-DK");
        noun.textContent = status.noun;  // "1 linje", "2 linjer": the server knows the plural forms
        seconds.textContent = status.seconds.toFixed(1);
        if (status.state !== "running") { window.location.reload(); return; }
      } catch (error) { /* the server may be busy; try again */ }
      window.setTimeout(poll, 400);
    };
    window.setTimeout(poll, 200);
  }

  // The findings filters apply as soon as one is changed.
  const filters = document.getElementById("filters");
  if (filters) {
    filters.querySelectorAll("select").forEach((select) => select.addEventListener("change", () => filters.submit()));
  }

  // "Back" on the explanation page.
  document.querySelectorAll("a.back").forEach((link) => link.addEventListener("click", (event) => {
    if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
  }));
});
