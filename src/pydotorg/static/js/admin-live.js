// The staff admin's live updates (see src/pydotorg/domain/admin/live.py for the protocol).
// One WebSocket per admin page: moderation queue counts in the side panel, and on a change form the other
// editors who have the same object open. Where the socket cannot open or closes (a proxy, a Redis outage), the
// panel polls the JSON endpoint every 30 seconds and the socket is retried with a growing, jittered delay.
(function () {
  "use strict";
  var panel = document.querySelector(".admin-live");
  if (!panel || !("WebSocket" in window)) { return; }
  var presence = document.querySelector("[data-live-object]");
  var status = panel.querySelector(".admin-live-status");
  var list = panel.querySelector(".admin-live-queues");
  var POLL_MS = 30000;
  var queues = {};
  var socket = null, pollTimer = null, retryTimer = null, attempts = 0, stopped = false;

  function render() {
    var names = Object.keys(queues).sort();
    list.textContent = "";
    names.forEach(function (name) {
      var queue = queues[name];
      var item = document.createElement("li");
      item.dataset.queue = name;
      var label = document.createElement("strong");
      label.textContent = queue.label + ": ";
      var count = document.createElement("span");
      count.className = "admin-live-count";
      count.textContent = String(queue.count);
      item.appendChild(label);
      item.appendChild(count);
      if (queue.items && queue.items.length) {
        var rows = document.createElement("ul");
        queue.items.forEach(function (entry) {
          var row = document.createElement("li");
          var link = document.createElement("a");
          link.href = entry.url;
          link.textContent = entry.title;
          row.appendChild(link);
          rows.appendChild(row);
        });
        item.appendChild(rows);
      }
      list.appendChild(item);
    });
    panel.hidden = names.length === 0;
  }

  function setQueues(items) {
    queues = {};
    (items || []).forEach(function (q) { queues[q.queue] = q; });
    render();
  }

  function showEditors(editors) {
    if (!presence) { return; }
    if (editors && editors.length) {
      presence.textContent = "Also editing this now: " + editors.join(", ") +
        ". Saving over their change is refused, so nothing is lost.";
      presence.hidden = false;
    } else {
      presence.textContent = "";
      presence.hidden = true;
    }
  }

  function poll() {
    fetch(panel.dataset.livePoll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) { setQueues(body.queues); } })
      .catch(function () { /* the next poll tries again */ });
  }

  function startPolling(reason) {
    status.textContent = reason ? reason + " Refreshing every 30 seconds." : "";
    if (pollTimer === null) { poll(); pollTimer = window.setInterval(poll, POLL_MS); }
  }

  function stopPolling() {
    if (pollTimer !== null) { window.clearInterval(pollTimer); pollTimer = null; }
    status.textContent = "";
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      message.v = 1;
      socket.send(JSON.stringify(message));
    }
  }

  function connect() {
    retryTimer = null;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + panel.dataset.liveSocket);
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "hello") {
        attempts = 0;
        stopPolling();
        setQueues(message.queues);
        if (presence) { send({ type: "edit", object: presence.dataset.liveObject }); }
      } else if (message.type === "queue") {
        queues[message.queue] = message;
        render();
      } else if (message.type === "presence") {
        showEditors(message.editors);
      } else if (message.type === "ping") {
        send({ type: "pong" });
      }
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      showEditors([]);
      if (event.code === 4401 || event.code === 4403) {
        stopped = true;
        status.textContent = "Live updates stopped: " + (event.reason || "signed out") + ".";
        panel.hidden = false;
        return;
      }
      startPolling(event.reason || "Live updates are interrupted.");
      if (!stopped) {
        attempts += 1;
        var delay = Math.min(60000, 1000 * Math.pow(2, Math.min(attempts, 6)));
        retryTimer = window.setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      }
    });
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
    if (retryTimer !== null) { window.clearTimeout(retryTimer); }
    if (socket) { socket.close(1000, "page closed"); }
  });
  connect();
}());
