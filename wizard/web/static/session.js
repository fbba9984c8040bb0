// The attendee's page around textual-serve's terminal (textual.js): downloads and reconnecting.
(function () {
  "use strict";

  // "Save log" (App.deliver_text): textual.js opens <origin>/download/<key> in a new window.
  // A popup blocker stops that, and behind a reverse proxy the path prefix is lost: fetch it
  // through a link to this server's own address instead.
  const openWindow = window.open.bind(window);
  window.open = function (url, target, features) {
    const marker = window.location.origin + "/download/";
    if (typeof url === "string" && url.startsWith(marker)) {
      const link = document.createElement("a");
      link.href = document.body.dataset.base + "/download/" + url.slice(marker.length);
      link.download = "";
      document.body.appendChild(link);
      link.click();
      link.remove();
      return null;
    }
    return openWindow(url, target, features);
  };

  // textual.js marks the body "-closed" when the websocket closes. The session may still live
  // on the server (a dropped connection, a laptop that slept): reload to re-attach to it.
  let tries = 0;
  let checking = false;

  function show(text, label, action) {
    document.getElementById("overlay-text").textContent = text;
    const button = document.getElementById("overlay-button");
    button.textContent = label;
    button.onclick = action;
  }

  async function check() {
    const data = document.body.dataset;
    let state = null;
    try {
      const url = data.base + "/s/" + data.session + "/alive?client=" + data.client;
      const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
      state = await response.json();
    } catch (error) {
      state = null;
    }
    if (state && state.alive && state.replaced) {
      show("This session is open in another tab or window.", "Use it here", () => location.reload());
    } else if (state && state.alive) {
      location.reload();
    } else if (state) {
      const why = state.reason ? " (" + state.reason + ")" : "";
      show("Session ended" + why + ".", "Start a new session", () => { location.href = data.base + "/"; });
    } else {
      tries += 1;
      show("Connection lost: reconnecting…", "Reconnect now", () => location.reload());
      setTimeout(check, Math.min(10000, 1000 * tries));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    new MutationObserver(function () {
      if (document.body.classList.contains("-closed") && !checking) {
        checking = true;
        check();
      }
    }).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  });
})();
