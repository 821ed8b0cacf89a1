// The Add articles page: files dropped or chosen, sent with a progress bar; an upload's
// page: its progress while it is read or stored, then the page again once that is done.
// Without JavaScript the form posts as any form and the page refreshes itself.
import { chosen, failure, percent, sending } from "./upload/words.js";

const POLL_MS = 1000;

function enhanceForm(form) {
  const input = form.querySelector("input[type=file]");
  const zone = form.querySelector(".dropzone");
  const shown = form.querySelector("[data-upload-chosen]");
  const message = form.querySelector("[data-upload-message]");
  const bar = form.querySelector("[data-upload-progress]");
  const told = form.querySelector("[data-upload-sending]");
  const button = form.querySelector("button[type=submit]");
  // Leaving while the files are still going would lose them: the browser asks first.
  const stay = (event) => event.preventDefault();
  const say = (text) => {
    message.textContent = text;
    message.hidden = !text;
  };

  input.addEventListener("change", () => {
    shown.textContent = chosen(input.files);
    say("");
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dropzone--over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dropzone--over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dropzone--over");
    input.files = event.dataTransfer.files;
    input.dispatchEvent(new Event("change"));
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.responseType = "json";
    request.upload.addEventListener("progress", (progress) => {
      const total = progress.lengthComputable ? progress.total : 0;
      bar.value = percent(progress.loaded, total);
      told.textContent = sending(progress.loaded, total);
    });
    const finish = () => {
      window.removeEventListener("beforeunload", stay);
      button.disabled = false;
      bar.hidden = true;
      told.hidden = true;
    };
    request.addEventListener("load", () => {
      if (request.status === 201 && request.response?.url) {
        window.removeEventListener("beforeunload", stay);
        window.location.assign(request.response.url);
        return;
      }
      finish();
      say(failure(request.status, request.response));
    });
    request.addEventListener("error", () => {
      finish();
      say(failure(0, null));
    });
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    told.hidden = false;
    told.textContent = sending(0, 0);
    window.addEventListener("beforeunload", stay);
    say("");
    request.send(new FormData(form));
  });
}

function watch(status) {
  const label = status.querySelector("[data-upload-label]");
  const count = status.querySelector("[data-upload-count]");
  const bar = status.querySelector("[data-upload-progress]");
  const look = async () => {
    let answer;
    try {
      const response = await fetch(status.dataset.uploadStatus, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch {
      window.setTimeout(look, POLL_MS * 3);
      return;
    }
    if (answer.state !== status.dataset.state) {
      window.location.reload();
      return;
    }
    label.textContent = answer.label;
    count.textContent = `${answer.files_done} of ${answer.files_total}`;
    bar.max = answer.files_total || 1;
    bar.value = answer.files_done;
    window.setTimeout(look, POLL_MS);
  };
  window.setTimeout(look, POLL_MS);
}

const form = document.querySelector("form[data-upload]");
if (form) enhanceForm(form);
const status = document.querySelector("[data-upload-status]");
if (status) watch(status);
