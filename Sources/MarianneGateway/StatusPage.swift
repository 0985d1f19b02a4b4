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
      <span id="counts"></span>
    </header>
    <main>
      <section id="log" hidden>
        <h2>
          <span id="log-title">Log of <span id="log-job"></span></span>
          <span class="tabs">
            <button type="button" id="tab-events" class="tab on">Events</button>
            <button type="button" id="tab-output" class="tab">Output</button>
          </span>
          <button type="button" id="log-close">Close</button>
        </h2>
        <pre id="log-lines"></pre>
        <pre id="output-lines" hidden></pre>
      </section>
      <div id="tools">
        <label>Status <select id="filter-status">
          <option value="">all</option><option value="active">active</option>
          <option>running</option><option>pending</option><option>paused</option>
          <option>completed</option><option>failed</option><option>cancelled</option><option>stopped</option>
        </select></label>
        <label>Find <input id="filter-text" type="search" placeholder="id or name" size="16"></label>
        <button type="button" id="clear-finished">Clear finished</button>
        <span id="pager"><button type="button" id="page-prev">‹</button> <span id="page-info"></span> <button type="button" id="page-next">›</button></span>
      </div>
      <div class="scroll">
      <table id="jobs">
        <thead><tr><th>Job</th><th class="name">Name</th><th>Status</th><th>Progress</th><th>Started</th><th>Ran</th><th class="error">Error</th><th></th></tr></thead>
        <tbody></tbody>
      </table>
      </div>
      <p id="empty" hidden>No jobs yet. Submit one with <code>mzt submit score.yaml</code> or <code>POST /api/jobs</code>.</p>
    </main>
    <script nonce="NONCE">/*SCRIPT*/</script>
    </body>
    </html>
    """#
}
