"use strict";
// The studio page. Talks only to its own server (CSP: connect-src 'self'); writes what it
// shows with textContent, never as HTML.
(function () {
  const token = document.querySelector('meta[name="studio-token"]').content;
  const $ = (id) => document.getElementById(id);
  let elements = [];
  let size = { width: 1, height: 1 };

  async function api(path, body) {
    const options = { headers: { "X-Studio-Token": token } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    return response.json();
  }

  function say(text, ok) {
    const status = $("status");
    status.textContent = text;
    status.className = ok ? "ok" : "failed";
  }

  function select(index) {
    const e = elements[index];
    document.querySelectorAll(".box.selected").forEach((b) => b.classList.remove("selected"));
    const box = document.querySelector(`.box[data-index="${index}"]`);
    if (box) box.classList.add("selected");
    const body = $("attrs").tBodies[0];
    body.replaceChildren();
    const rows = [["locator", e.locator], ["class", e.class], ["text", e.texts.join(" | ")],
      ["state", e.state || ""], ["id", e.id || ""], ["accessibility id", e.accessibility_id || ""],
      ["bounds", e.bounds ? `${e.bounds.x},${e.bounds.y} ${e.bounds.width}x${e.bounds.height}` : ""]];
    for (const [name, value] of Object.entries(e.attributes)) rows.push([name, value]);
    for (const [name, value] of rows) {
      const tr = body.insertRow();
      tr.insertCell().textContent = name;
      tr.insertCell().textContent = value;
    }
    $("locator").value = e.locator;
  }

  function draw() {
    const boxes = $("boxes");
    boxes.replaceChildren();
    // Larger first: a smaller element drawn later sits on top, so a click picks it.
    const order = elements.map((e, i) => i).filter((i) => elements[i].bounds)
      .sort((a, b) => area(elements[b]) - area(elements[a]));
    for (const i of order) {
      const b = elements[i].bounds;
      const box = document.createElement("button");
      box.type = "button";
      box.className = "box";
      box.dataset.index = String(i);
      box.title = elements[i].says || elements[i].element;
      box.setAttribute("aria-label", `${elements[i].element} ${elements[i].says}`);
      box.style.left = `${(100 * b.x) / size.width}%`;
      box.style.top = `${(100 * b.y) / size.height}%`;
      box.style.width = `${(100 * b.width) / size.width}%`;
      box.style.height = `${(100 * b.height) / size.height}%`;
      box.addEventListener("click", () => select(i));
      boxes.appendChild(box);
    }
  }

  function area(e) {
    return e.bounds ? e.bounds.width * e.bounds.height : 0;
  }

  async function refresh() {
    const screen = await api("/api/screen");
    if (screen.elements === undefined) {
      say(screen.message || "could not read the screen", false);
      return;
    }
    elements = screen.elements;
    size = screen.size;
    $("device").textContent = `${screen.device} (${screen.platform})`;
    $("yaml").value = screen.flow;
    const shot = $("shot");
    shot.onload = () => { document.body.dataset.look = String(screen.look); };
    shot.src = `/api/screenshot.png?look=${screen.look}&token=${encodeURIComponent(token)}`;
    draw();
  }

  async function run(kind) {
    say(`${kind}: running on the device...`, true);
    const result = await api("/api/step", {
      kind, locator: $("locator").value, setting: $("setting").value,
    });
    if (result.flow !== undefined) $("yaml").value = result.flow;
    say(result.message, result.ok);
    if (result.ok) await refresh();
  }

  async function copy() {
    const yaml = $("yaml");
    try {
      await navigator.clipboard.writeText(yaml.value);
      say("Copied the flow: paste it into a .yaml file.", true);
    } catch (_) {
      yaml.focus();
      yaml.select();
      const done = document.execCommand("copy");
      say(done ? "Copied the flow: paste it into a .yaml file."
        : "Selected the flow: press Ctrl-C (Cmd-C) to copy it.", true);
    }
  }

  document.querySelectorAll("#buttons button").forEach((b) => {
    b.addEventListener("click", () => run(b.dataset.kind));
  });
  $("refresh").addEventListener("click", refresh);
  $("copy").addEventListener("click", copy);
  refresh();
})();
