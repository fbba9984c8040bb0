// The host page: live sessions every two seconds, reset one or all, settings for new sessions.
(function () {
  "use strict";
  const base = () => document.body.dataset.base;

  async function post(path, body) {
    const response = await fetch(base() + path, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
    });
    return response.json();
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function render(room) {
    document.getElementById("count").textContent = room.sessions.length + " of " + room.max_sessions + " sessions";
    const body = document.querySelector("#sessions tbody");
    body.replaceChildren();
    for (const s of room.sessions) {
      const tr = document.createElement("tr");
      tr.dataset.number = s.number;
      for (const text of [s.name, s.scenario, s.view, s.step ? s.step + " " + s.status : "", s.age, s.idle, s.browser, s.memory]) {
        tr.appendChild(cell(text));
      }
      const td = document.createElement("td");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Reset";
      button.className = "reset";
      button.onclick = () => post("/host/api/sessions/" + s.number + "/reset").then(refresh);
      td.appendChild(button);
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  async function refresh() {
    try {
      const response = await fetch(base() + "/host/api/sessions", { credentials: "same-origin", cache: "no-store" });
      render(await response.json());
    } catch (error) {
      document.getElementById("count").textContent = "server unreachable";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("reset-all").onclick = () => post("/host/api/reset-all").then(refresh);
    document.getElementById("apply-settings").onclick = async function () {
      const scenario = document.getElementById("scenario").value;
      const speed = parseFloat(document.getElementById("speed").value);
      const answer = await post("/host/api/settings", { scenario: scenario, speed: speed });
      document.getElementById("settings-note").textContent = answer.note || "";
    };
    refresh();
    setInterval(refresh, 2000);
  });
})();
