/// The status page's JavaScript: the job list over the WebSocket, filters and pages, the
/// log and output views, the actions. Text from jobs is only ever set with `textContent`.
extension StatusPage {
    static let script = #"""
    "use strict";
    // The token comes in the address once, stays in this tab only, and leaves the address bar.
    const query = new URLSearchParams(location.search);
    const token = query.get("token") || sessionStorage.getItem("mzt-token") || "";
    sessionStorage.setItem("mzt-token", token);
    history.replaceState(null, "", "/");
    const api = (path) => fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });

    const jobs = new Map();
    const pageSize = 25;
    let pageNumber = 0;
    // When each job's summary arrived, so a running job's time run can tick between updates.
    const received = new Map();
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
          for (const job of message.jobs) { jobs.set(job.job_id, job); received.set(job.job_id, Date.now()); }
          render();
          break;
        case "job":
          jobs.set(message.job.job_id, message.job);
          received.set(message.job.job_id, Date.now());
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

    // Times as the CLI shows them: 24-hour HH:MM:SS today, YYYY-MM-DD HH:MM before.
    const two = (n) => String(n).padStart(2, "0");
    function clock(text) {
      if (!text) return "";
      const d = new Date(text), now = new Date();
      const time = `${two(d.getHours())}:${two(d.getMinutes())}`;
      if (d.toDateString() === now.toDateString()) return `${time}:${two(d.getSeconds())}`;
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}`;
    }

    function duration(seconds) {
      if (seconds === undefined || seconds === null) return "";
      if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
      if (seconds < 60) return `${seconds.toFixed(1)}s`;
      const s = Math.floor(seconds), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
      if (d) return `${d}d ${h}h`;
      if (h) return `${h}h ${m}m`;
      return `${m}m ${s % 60}s`;
    }

    function ran(job) {
      if (job.running_seconds === undefined) return "";
      const extra = job.status === "running" ? (Date.now() - (received.get(job.job_id) || Date.now())) / 1000 : 0;
      return duration(job.running_seconds + extra);
    }

    function shown() {
      const status = $("filter-status").value, text = $("filter-text").value.trim().toLowerCase();
      return [...jobs.values()]
        .filter((job) => !status || (status === "active" ? ["running", "pending", "paused"].includes(job.status) : job.status === status))
        .filter((job) => !text || job.job_id.toLowerCase().includes(text) || job.name.toLowerCase().includes(text))
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    }

    // job id -> the row drawn for it and the job it showed.
    let drawn = new Map();

    function render() {
      const body = document.querySelector("#jobs tbody");
      const rows = shown();
      const pages = Math.max(1, Math.ceil(rows.length / pageSize));
      pageNumber = Math.min(pageNumber, pages - 1);
      const first = pageNumber * pageSize;
      // A job that did not change keeps its row (the same element): a button being pointed at
      // or clicked is never swapped for a new one by an update of another job.
      const kept = new Map();
      const nodes = rows.slice(first, first + pageSize).map((job) => {
        const key = JSON.stringify(job);
        const old = drawn.get(job.job_id);
        const node = old && old.key === key ? old.node : row(job);
        kept.set(job.job_id, { key, node });
        return node;
      });
      drawn = kept;
      body.replaceChildren(...nodes);
      $("empty").hidden = jobs.size > 0;
      $("page-info").textContent = rows.length ? `${first + 1}–${Math.min(first + pageSize, rows.length)} of ${rows.length}` : "0 of 0";
      $("page-prev").disabled = pageNumber === 0;
      $("page-next").disabled = pageNumber >= pages - 1;
      const all = [...jobs.values()];
      const count = (status) => all.filter((job) => job.status === status).length;
      $("counts").textContent = `${count("running")} running · ${count("pending")} pending · ${count("paused")} paused`;
    }

    function row(job) {
      const progress = job.total_sheets > 0
        ? [el("progress", { max: job.total_sheets, value: job.completed_sheets }),
           el("span", { className: "count", textContent: `${job.completed_sheets}/${job.total_sheets}` })]
        : [el("span", { className: "module", textContent: "module" })];
      const active = ["running", "pending", "paused"].includes(job.status);
      const actions = el("td", {}, [el("div", { className: "actions" }, [
        button("Pause", "pause_job", job, job.status === "running" || job.status === "pending"),
        button("Resume", "resume_job", job, job.status === "paused" || ["failed", "cancelled", "stopped"].includes(job.status)),
        button("Cancel", "cancel_job", job, active),
        el("button", { type: "button", textContent: "Log", onclick: () => openLog(job.job_id) }),
        deleteButton(job, !active),
      ])]);
      const status = el("span", { className: `status ${job.status}`, textContent: job.status, title: job.error || "" });
      const tr = el("tr", {}, [
        el("td", { className: "id", textContent: job.job_id, title: job.label || "" }),
        el("td", { className: "name", textContent: job.name }),
        el("td", {}, [status]),
        el("td", {}, progress),
        el("td", { className: "time started", textContent: clock(job.started_at) }),
        el("td", { className: "time ran", textContent: ran(job) }),
        el("td", { className: "error", textContent: job.error || "", title: job.error || "" }),
        actions,
      ]);
      tr.dataset.job = job.job_id;
      tr.dataset.status = job.status;
      return tr;
    }

    function deleteButton(job, enabled) {
      const node = el("button", { type: "button", textContent: "Delete", disabled: !enabled });
      node.dataset.action = "delete";
      node.onclick = async () => {
        node.disabled = true;
        const response = await fetch(`/api/jobs/${encodeURIComponent(job.job_id)}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
        if (response.ok) { jobs.delete(job.job_id); render(); }
      };
      return node;
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
      outputCursor = null;
      $("output-lines").replaceChildren();
      showTab(outputTab);
      // The log opens above the table: bring it into view however long the list is.
      $("log").scrollIntoView({ block: "start" });
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
      const time = clock(entry.timestamp);
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

    // The Output tab: what the job's sheets wrote, read from job.output every second.
    let outputTab = false;
    let outputCursor = null;
    let outputFile = null;
    function showTab(output) {
      outputTab = output;
      $("tab-events").classList.toggle("on", !output);
      $("tab-output").classList.toggle("on", output);
      $("log-lines").hidden = output;
      $("output-lines").hidden = !output;
      if (output) readOutput();
    }
    $("tab-events").onclick = () => showTab(false);
    $("tab-output").onclick = () => showTab(true);

    let reading = false;
    async function readOutput() {
      if (!logJob || !outputTab || reading) return;
      reading = true;
      const job = logJob;
      try {
        const cursor = outputCursor ? `&cursor=${encodeURIComponent(JSON.stringify(outputCursor))}` : "";
        const response = await api(`/api/jobs/${encodeURIComponent(job)}/output?max_bytes=262144${cursor}`);
        if (!response.ok || job !== logJob) return;
        const answer = await response.json();
        const pane = $("output-lines");
        if (!outputCursor) { pane.replaceChildren(); outputFile = null; }
        for (const chunk of answer.chunks) {
          if (chunk.file !== outputFile) {
            pane.append(el("div", { className: "output-head", textContent: `==> sheet ${chunk.sheet}, attempt ${chunk.attempt}, ${chunk.stream} <==` }));
            outputFile = chunk.file;
          }
          pane.append(el("span", { className: `stream-${chunk.stream}`, textContent: chunk.text }));
        }
        outputCursor = answer.cursor;
        if (answer.more) setTimeout(readOutput, 0);
      } finally {
        reading = false;
      }
    }
    setInterval(readOutput, 1000);

    $("filter-status").onchange = () => { pageNumber = 0; render(); };
    $("filter-text").oninput = () => { pageNumber = 0; render(); };
    $("page-prev").onclick = () => { pageNumber = Math.max(0, pageNumber - 1); render(); };
    $("page-next").onclick = () => { pageNumber += 1; render(); };
    $("clear-finished").onclick = async () => {
      const response = await fetch("/api/jobs", { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) return;
      const answer = await response.json();
      for (const id of answer.removed) jobs.delete(id);
      render();
    };
    // Running jobs' time run ticks between updates.
    setInterval(() => {
      for (const cell of document.querySelectorAll("#jobs tbody tr[data-status=running] td.ran")) {
        const job = jobs.get(cell.parentElement.dataset.job);
        if (job) cell.textContent = ran(job);
      }
    }, 1000);

    async function conductorInfo() {
      const response = await api("/api/conductor");
      if (!response.ok) return;
      const info = await response.json();
      $("conductor").textContent = `pid ${info.pid} · up ${info.uptime} · v${info.version}`;
    }

    conductorInfo();
    setInterval(conductorInfo, 10000);
    connect();
    """#
}
