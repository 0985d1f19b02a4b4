import HTTPTypes
import Hummingbird

/// The status page: plain HTML, CSS and JavaScript, no build step. It lists jobs over the
/// WebSocket (`subscribe`), sends `pause_job` / `resume_job` / `cancel_job`, and shows a
/// job's log with `reconnect_job`. Text from jobs is only ever set with `textContent`.
enum StatusPage {
    static func register(on router: Hummingbird.Router<some RequestContext>) {
        let full = html.replacingOccurrences(of: "/*STYLE*/", with: style).replacingOccurrences(of: "/*SCRIPT*/", with: script)
        router.get("/") { _, _ in page(full) }
    }

    /// What `/` answers without the token (401): how to get in, and a jump back in for a
    /// reload, using the token this tab already holds. Nothing about jobs.
    static func loginHelp() -> Response {
        page(loginHTML, status: .unauthorized)
    }

    /// An HTML answer whose inline style and script run only with this response's nonce.
    static func page(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined()
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; "
                + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let body = text.replacingOccurrences(of: "NONCE", with: nonce)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static let loginHTML = #"""
    <!doctype html>
    <html lang="en">
    <head><meta charset="utf-8"><title>Marianne conductor</title></head>
    <body>
    <p>This page needs the conductor's token: open the link that <code>mzt http-token --url</code> prints.</p>
    <script nonce="NONCE">
    "use strict";
    const saved = sessionStorage.getItem("mzt-token");
    if (new URLSearchParams(location.search).has("token")) sessionStorage.removeItem("mzt-token");
    else if (saved) location.replace("/?token=" + encodeURIComponent(saved));
    </script>
    </body>
    </html>
    """#

    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Marianne conductor</title>
    <style nonce="NONCE">/*STYLE*/</style>
    </head>
    <body>
    <header>
      <h1>Marianne conductor</h1>
      <span id="connection" class="connection down">connecting…</span>
      <span id="conductor"></span>
    </header>
    <main>
      <table id="jobs">
        <thead><tr><th>Job</th><th>Name</th><th>Status</th><th>Progress</th><th>Started</th><th></th></tr></thead>
        <tbody></tbody>
      </table>
      <p id="empty" hidden>No jobs yet. Submit one with <code>mzt submit score.yaml</code> or <code>POST /api/jobs</code>.</p>
      <section id="log" hidden>
        <h2>Log of <span id="log-job"></span> <button type="button" id="log-close">Close</button></h2>
        <pre id="log-lines"></pre>
      </section>
    </main>
    <script nonce="NONCE">/*SCRIPT*/</script>
    </body>
    </html>
    """#

    static let style = #"""
    :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
    header { display: flex; gap: 1rem; align-items: baseline; padding: 0.8rem 1.5rem; background: #1d2330; color: #fff; }
    header h1 { font-size: 1.15rem; margin: 0; }
    #conductor { color: #b8c0cc; font-size: 0.85rem; }
    .connection { font-size: 0.8rem; padding: 0.1rem 0.5rem; border-radius: 1rem; }
    .connection.up { background: #2e7d32; }
    .connection.down { background: #b26a00; }
    main { padding: 1rem 1.5rem; }
    table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px #0002; }
    th, td { text-align: left; padding: 0.45rem 0.7rem; border-bottom: 1px solid #e3e6ea; font-size: 0.9rem; }
    th { background: #eef0f3; font-weight: 600; }
    td.id { font-family: ui-monospace, monospace; }
    .status { padding: 0.1rem 0.5rem; border-radius: 0.3rem; font-size: 0.8rem; background: #e3e6ea; }
    .status.running { background: #d7ebff; color: #0b4f8a; }
    .status.completed { background: #dff3e1; color: #1f6b28; }
    .status.failed { background: #fbe0e0; color: #9b1c1c; }
    .status.cancelled, .status.stopped { background: #eee; color: #555; }
    .status.paused { background: #fff1cc; color: #7a5a00; }
    .status.pending { background: #ece4ff; color: #4b2f99; }
    progress { width: 9rem; vertical-align: middle; }
    .count { margin-left: 0.4rem; color: #5b6472; font-size: 0.8rem; }
    td.actions { white-space: nowrap; }
    button { font: inherit; font-size: 0.8rem; margin-right: 0.25rem; padding: 0.15rem 0.55rem; cursor: pointer; }
    button:disabled { cursor: default; opacity: 0.4; }
    #log { margin-top: 1.2rem; }
    #log h2 { font-size: 1rem; }
    #log-lines { background: #11151c; color: #d7dde6; padding: 0.8rem; max-height: 24rem; overflow: auto; font-size: 0.8rem; white-space: pre-wrap; }
    .level-WARNING { color: #ffcc66; }
    .level-ERROR, .level-CRITICAL { color: #ff8a8a; }
    """#

    static let script = #"""
    "use strict";
    // The token comes in the address once, stays in this tab only, and leaves the address bar.
    const query = new URLSearchParams(location.search);
    const token = query.get("token") || sessionStorage.getItem("mzt-token") || "";
    sessionStorage.setItem("mzt-token", token);
    history.replaceState(null, "", "/");
    const api = (path) => fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });

    const jobs = new Map();
    let socket = null;
    let retry = 500;
    let logJob = null;
    let logSeq = 0;

    const $ = (id) => document.getElementById(id);
    const el = (tag, props = {}, children = []) => {
      const node = document.createElement(tag);
      Object.assign(node, props);
      for (const child of children) node.append(child);
      return node;
    };

    function connect() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(`${scheme}//${location.host}/api/ws`, ["mzt", `bearer.${token}`]);
      socket.onopen = () => {
        retry = 500;
        setConnection(true);
        send({ type: "subscribe" });
        if (logJob) send({ type: "reconnect_job", job_id: logJob, last_seq: logSeq });
      };
      socket.onmessage = (event) => handle(JSON.parse(event.data));
      socket.onclose = () => {
        setConnection(false);
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 8000);
      };
    }

    function send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    }

    function setConnection(up) {
      const badge = $("connection");
      badge.textContent = up ? "live" : "reconnecting…";
      badge.className = "connection " + (up ? "up" : "down");
    }

    function handle(message) {
      switch (message.type) {
        case "jobs":
          jobs.clear();
          for (const job of message.jobs) jobs.set(job.job_id, job);
          render();
          break;
        case "job":
          jobs.set(message.job.job_id, message.job);
          render();
          break;
        case "job_removed":
          jobs.delete(message.job_id);
          render();
          break;
        case "log":
          if (message.job_id === logJob) appendLog(message.entry);
          break;
        case "reconnected":
          // The job's log started over (it was submitted again): it comes again from seq 1.
          if (message.job_id === logJob && message.reset) {
            $("log-lines").replaceChildren();
            logSeq = 0;
          }
          break;
        case "error":
          console.warn("conductor:", message.message);
          break;
      }
    }

    function render() {
      const body = document.querySelector("#jobs tbody");
      const rows = [...jobs.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
      body.replaceChildren(...rows.map(row));
      $("empty").hidden = rows.length > 0;
    }

    function row(job) {
      const total = Math.max(job.total_sheets, 1);
      const bar = el("progress", { max: total, value: job.completed_sheets });
      const count = el("span", { className: "count", textContent: `${job.completed_sheets}/${job.total_sheets}` });
      const active = ["running", "pending", "paused"].includes(job.status);
      const actions = el("td", { className: "actions" }, [
        button("Pause", "pause_job", job, job.status === "running" || job.status === "pending"),
        button("Resume", "resume_job", job, job.status === "paused" || ["failed", "cancelled", "stopped"].includes(job.status)),
        button("Cancel", "cancel_job", job, active),
        el("button", { type: "button", textContent: "Log", onclick: () => openLog(job.job_id) }),
      ]);
      const status = el("span", { className: `status ${job.status}`, textContent: job.status, title: job.error || "" });
      const tr = el("tr", {}, [
        el("td", { className: "id", textContent: job.job_id }),
        el("td", { textContent: job.name }),
        el("td", {}, [status]),
        el("td", {}, [bar, count]),
        el("td", { textContent: job.started_at ? new Date(job.started_at).toLocaleTimeString() : "" }),
        actions,
      ]);
      tr.dataset.job = job.job_id;
      tr.dataset.status = job.status;
      return tr;
    }

    function button(label, type, job, enabled) {
      const node = el("button", { type: "button", textContent: label, disabled: !enabled });
      node.dataset.action = type;
      node.onclick = () => {
        node.disabled = true;
        send({ type, job_id: job.job_id });
      };
      return node;
    }

    // Each opening of the log view gets a number; answers for an older one are dropped.
    let logView = 0;

    async function openLog(jobID) {
      if (logJob) send({ type: "unfollow_job", job_id: logJob });
      const view = ++logView;
      logJob = jobID;
      logSeq = 0;
      $("log").hidden = false;
      $("log-job").textContent = jobID;
      $("log-lines").replaceChildren();
      const response = await api(`/api/jobs/${encodeURIComponent(jobID)}/logs?tail=500`);
      if (view !== logView) return;
      if (response.ok) {
        const logs = await response.json();
        if (view !== logView) return;
        for (const entry of logs.entries) appendLog(entry);
        logSeq = Math.max(logSeq, logs.last_seq);
      }
      send({ type: "reconnect_job", job_id: jobID, last_seq: logSeq });
    }

    function appendLog(entry) {
      if (entry.missed) {
        // The stream skipped entries this page was too slow for: read the log afresh.
        openLog(logJob);
        return;
      }
      if (entry.seq <= logSeq) return;
      logSeq = entry.seq;
      const time = new Date(entry.timestamp).toLocaleTimeString();
      const line = el("div", { className: `level-${entry.level}`, textContent: `${entry.seq}  ${time}  ${entry.level.padEnd(7)} ${entry.message}` });
      const pane = $("log-lines");
      const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 4;
      pane.append(line);
      if (atBottom) pane.scrollTop = pane.scrollHeight;
    }

    $("log-close").onclick = () => {
      if (logJob) send({ type: "unfollow_job", job_id: logJob });
      logJob = null;
      $("log").hidden = true;
    };

    async function conductorInfo() {
      const response = await api("/api/conductor");
      if (!response.ok) return;
      const info = await response.json();
      $("conductor").textContent = `pid ${info.pid} · up ${info.uptime} · ${info.running_jobs.length} running · v${info.version}`;
    }

    conductorInfo();
    setInterval(conductorInfo, 10000);
    connect();
    """#
}
