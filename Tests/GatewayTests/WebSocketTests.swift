import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

@Suite("Gateway WebSocket", .serialized)
struct WebSocketTests {
    @Test("run_job streams the log; after a disconnect mid-run, reconnect_job sends exactly the missed entries")
    func runDisconnectReconnect() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }

        let first = try await WebSocketProbe.open(gateway)
        try await first.send([
            "type": .string("run_job"), "request_id": .int(7), "id": .string("ws1"),
            "score": .string(Gateway.slowScore(name: "ws", sheets: 3, linesPerSheet: 8, pause: 0.3)),
        ])
        let started = try await first.next("job_started")
        #expect(started["job_id"]?.stringValue == "ws1")
        #expect(started["request_id"] == .int(7))
        var seen: [Int] = []
        while seen.count < 4 {
            let log = try await first.next("log")
            #expect(log["job_id"]?.stringValue == "ws1")
            seen.append(try #require(log["entry"]?["seq"]?.intValue))
        }
        await first.close()
        // Every message that arrived before the close counts as seen.
        let lastSeen = first.messages.filter { $0["type"]?.stringValue == "log" }.compactMap { $0["entry"]?["seq"]?.intValue }
        seen = lastSeen

        // The job carries on without a client (it completes below), and logs more while nobody listens.
        let client = gateway.conductor.client
        try await Poll.until(timeout: 20) {
            let logs = try await client.call(RPCMethod.jobLogs, params: LogsParams(jobID: "ws1"), as: LogsResult.self)
            return logs.lastSeq >= (seen.last ?? 0) + 3
        }

        let second = try await WebSocketProbe.open(gateway)
        try await second.send(["type": .string("reconnect_job"), "job_id": .string("ws1"), "last_seq": .int(seen.last ?? 0)])
        let reconnected = try await second.next("reconnected")
        #expect(reconnected["last_seq"]?.intValue == seen.last)
        let ended = try await second.next("job_ended", timeout: 60)
        #expect(ended["status"]?.stringValue == "completed")
        let replayed = second.messages.filter { $0["type"]?.stringValue == "log" }.compactMap { $0["entry"]?["seq"]?.intValue }
        await second.close()

        // Together: every entry once, in order, no gap and no duplicate.
        let lastSeq = try #require(ended["last_seq"]?.intValue)
        #expect(seen + replayed == Array(1...lastSeq))
        let full = try await client.call(RPCMethod.jobLogs, params: LogsParams(jobID: "ws1"), as: LogsResult.self)
        #expect(full.entries.map(\.seq) == Array(1...lastSeq))
        #expect(full.entries.contains { $0.message == "sheet 3: sheet 3 line 8" }, "\(full.entries.map(\.message))")
    }

    @Test("Reconnecting with a last_seq from an earlier run of the same id starts over from 1, flagged reset")
    func reconnectAfterResubmit() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let client = gateway.conductor.client
        _ = try await gateway.json("POST", "/api/jobs?id=again", body: Gateway.slowScore(name: "again", sheets: 2, linesPerSheet: 10, pause: 0.01), expect: 201)
        let first = try await client.call(RPCMethod.jobWait, params: WaitParams(jobID: "again", timeout: 60), as: WaitResult.self)
        #expect(first.job.status == .completed)
        let oldLast = try await client.call(RPCMethod.jobLogs, params: LogsParams(jobID: "again"), as: LogsResult.self).lastSeq
        _ = try await gateway.json("POST", "/api/jobs?id=again", body: Gateway.slowScore(name: "again", sheets: 1, linesPerSheet: 1, pause: 0.01), expect: 201)
        _ = try await client.call(RPCMethod.jobWait, params: WaitParams(jobID: "again", timeout: 60), as: WaitResult.self)

        let probe = try await WebSocketProbe.open(gateway)
        try await probe.send(["type": .string("reconnect_job"), "job_id": .string("again"), "last_seq": .int(oldLast)])
        let reconnected = try await probe.next("reconnected")
        #expect(reconnected["reset"] == .bool(true))
        #expect(reconnected["last_seq"]?.intValue == 0)
        let ended = try await probe.next("job_ended")
        let seqs = probe.messages.filter { $0["type"]?.stringValue == "log" }.compactMap { $0["entry"]?["seq"]?.intValue }
        #expect(seqs == Array(1...(ended["last_seq"]?.intValue ?? 0)))
        await probe.close()
    }

    @Test("subscribe lists jobs and pushes changes; cancel_job cancels; bad commands get an error and the socket stays open")
    func subscribeAndCancel() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let probe = try await WebSocketProbe.open(gateway)
        defer { Task { await probe.close() } }

        try await probe.send(["type": .string("subscribe")])
        let snapshot = try await probe.next("jobs")
        #expect(snapshot["jobs"]?.arrayValue?.isEmpty == true)

        // A job submitted elsewhere (the socket) shows up on the feed.
        _ = try await JobControlService(client: gateway.conductor.client).startJob(
            configContent: Gateway.slowScore(name: "feed", sheets: 5, pause: 0.3)
        )
        var job = try await probe.next("job")
        #expect(job["job"]?["name"]?.stringValue == "feed")
        let id = try #require(job["job"]?["job_id"]?.stringValue)

        try await probe.send(["type": .string("cancel_job"), "job_id": .string(id), "request_id": .string("c1")])
        let action = try await probe.next("job_action")
        #expect(action["action"]?.stringValue == "cancel")
        #expect(action["request_id"]?.stringValue == "c1")
        #expect(action["success"] == .bool(true))
        repeat {
            job = try await probe.next("job")
        } while job["job"]?["status"]?.stringValue != "cancelled"

        // Following a job can be stopped without stopping the job.
        let followed = try await JobControlService(client: gateway.conductor.client).startJob(
            configContent: Gateway.slowScore(name: "followed", sheets: 2, linesPerSheet: 100, pause: 0.1)
        )
        try await probe.send(["type": .string("reconnect_job"), "job_id": .string(followed.jobID), "last_seq": .int(0)])
        _ = try await probe.next("reconnected")
        _ = try await probe.next("log")
        try await probe.send(["type": .string("unfollow_job"), "job_id": .string(followed.jobID)])
        let client = gateway.conductor.client
        _ = try await client.call(RPCMethod.jobWait, params: WaitParams(jobID: followed.jobID, timeout: 60), as: WaitResult.self)
        // A marker after the job's end: everything sent before it has arrived.
        try await probe.send(["type": .string("warp_speed"), "request_id": .string("marker")])
        _ = try await probe.next("error")
        let logsOfFollowed = probe.messages.filter { $0["type"]?.stringValue == "log" && $0["job_id"]?.stringValue == followed.jobID }
        let total = try await client.call(RPCMethod.jobLogs, params: LogsParams(jobID: followed.jobID), as: LogsResult.self).lastSeq
        #expect(logsOfFollowed.count < total, "the stream went on after unfollow_job")
        #expect(!probe.messages.contains { $0["type"]?.stringValue == "job_ended" && $0["job_id"]?.stringValue == followed.jobID })

        // Mistakes are answered, and the connection keeps working.
        try await probe.send(["type": .string("warp_speed")])
        let unknown = try await probe.next("error")
        #expect(unknown["code"]?.stringValue == "unknown_type")
        #expect(unknown["request_id"] == nil)
        try await probe.send(["type": .string("cancel_job")])
        #expect(try await probe.next("error")["message"]?.stringValue?.contains("job_id") == true)
        try await probe.send(["type": .string("reconnect_job"), "job_id": .string("ghost")])
        #expect(try await probe.next("error")["code"]?.stringValue == "job_not_found")
        try await probe.send(["type": .string("run_job"), "score": .string("name: only-a-name\n")])
        let invalid = try await probe.next("error")
        #expect(invalid["code"]?.stringValue == "invalid_score")
        #expect(invalid["data"]?.arrayValue?.isEmpty == false)

        // Deleting the job reaches subscribers as job_removed.
        _ = try await gateway.json("DELETE", "/api/jobs/\(id)")
        let removed = try await probe.next("job_removed")
        #expect(removed["job_id"]?.stringValue == id)
        #expect(!probe.isClosed)
    }
}

@Suite("Gateway shutdown", .serialized)
struct GatewayShutdownTests {
    @Test("Stopping the conductor closes open WebSockets; the followed job resumes after a restart")
    func stopWithOpenSockets() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let probe = try await WebSocketProbe.open(gateway)
        try await probe.send(["type": .string("run_job"), "id": .string("kept"), "score": .string(Gateway.slowScore(name: "kept", sheets: 2, pause: 1))])
        _ = try await probe.next("log")
        let subscriber = try await WebSocketProbe.open(gateway)
        try await subscriber.send(["type": .string("subscribe")])
        _ = try await subscriber.next("jobs")

        let stop = try await gateway.conductor.run(["stop", "--yes"], timeout: 60)
        #expect(stop.exitCode == 0, "\(stop.stderr)")
        try await Poll.until(timeout: 20) { probe.isClosed && subscriber.isClosed }

        try await gateway.conductor.restart()
        let client = gateway.conductor.client
        let done = try await client.call(RPCMethod.jobWait, params: WaitParams(jobID: "kept", timeout: 60), as: WaitResult.self)
        #expect(done.job.status == .completed)
    }
}

@Suite("Gateway access", .serialized)
struct AccessTests {
    @Test("Without the right token every endpoint answers 401 and reveals nothing; the token file is private")
    func unauthenticated() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        _ = try await gateway.json("POST", "/api/jobs?id=secret-job", body: Gateway.slowScore(name: "secret", pause: 2), expect: 201)

        let attempts: [(String, String)] = [
            ("GET", "/"), ("GET", "/app.js"), ("GET", "/api/conductor"), ("GET", "/api/jobs"), ("GET", "/api/jobs/running"),
            ("GET", "/api/jobs/secret-job"), ("GET", "/api/jobs/secret-job/logs"), ("GET", "/api/jobs/secret-job/results"),
            ("POST", "/api/jobs"), ("POST", "/api/jobs/secret-job/cancel"), ("DELETE", "/api/jobs/secret-job"),
            ("GET", "/api/ws"), ("GET", "/no/such/path"),
        ]
        for token in ["", "wrong", String(gateway.token.dropLast()) + "0", gateway.token + "x"] where token != gateway.token {
            for (method, path) in attempts {
                let reply = try await gateway.request(method, path, body: method == "POST" ? Gateway.slowScore(name: "x") : nil, token: token)
                #expect(reply.status == 401, "\(method) \(path) with \"\(token)\"")
                #expect(!reply.text.contains("secret"), "\(method) \(path) revealed something")
                #expect(reply.header("WWW-Authenticate") == "Bearer")
            }
        }
        // The token in a query string only logs in the page; it is no key to the API.
        let query = try await gateway.request("GET", "/api/jobs?token=\(gateway.token)", token: "")
        #expect(query.status == 401)
        // Nothing was submitted, cancelled or deleted.
        let list = try await gateway.conductor.client.call(RPCMethod.jobList, params: ListParams(all: true), as: ListResult.self)
        #expect(list.jobs.map(\.jobID) == ["secret-job"])
        #expect(list.jobs.first?.status != .cancelled)
        // A WebSocket without the token is refused too.
        await #expect(throws: (any Error).self) { _ = try await WebSocketProbe.open(gateway, token: "wrong") }

        var info = stat()
        #expect(stat(gateway.conductor.home + "/http.token", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let printed = try await gateway.conductor.run(["http-token"])
        #expect(printed.exitCode == 0)
        #expect(printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == gateway.token)
        let link = try await gateway.conductor.run(["http-token", "--url"])
        #expect(link.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(gateway.url)/?token=\(gateway.token)")
    }

    @Test("The page link serves the page with a per-response nonce and sets no cookie; a cookie is no credential")
    func pageLogin() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let page = try await gateway.request("GET", "/?token=\(gateway.token)", token: "")
        #expect(page.status == 200)
        #expect(page.text.contains("<title>Marianne conductor</title>"))
        #expect(page.header("Set-Cookie") == nil)
        let policy = try #require(page.header("Content-Security-Policy"))
        let nonce = try #require(policy.split(separator: "'").first { $0.hasPrefix("nonce-") }?.dropFirst("nonce-".count))
        #expect(page.text.contains("<script nonce=\"\(nonce)\">"))
        #expect(!page.text.contains(gateway.token), "the page must not carry the token itself")
        let again = try await gateway.request("GET", "/?token=\(gateway.token)", token: "")
        #expect(again.header("Content-Security-Policy") != policy, "a nonce is used once")

        // Without the token: 401 and a page that says how to get in, nothing more.
        let help = try await gateway.request("GET", "/", token: "", headers: ["Accept": "text/html", "Cookie": "mzt_token=\(gateway.token)"])
        #expect(help.status == 401)
        #expect(help.text.contains("mzt http-token --url"))
        #expect(help.header("WWW-Authenticate") == "Bearer")
        #expect(page.header("WWW-Authenticate") == nil)
        #expect(!help.text.contains("jobs"))
        let wrong = try await gateway.request("GET", "/?token=nope", token: "")
        #expect(wrong.status == 401)
        let cookieOnly = try await gateway.request("GET", "/api/jobs", token: "", headers: ["Cookie": "mzt_token=\(gateway.token)"])
        #expect(cookieOnly.status == 401)
    }

    @Test("A browser's WebSocket authenticates with the subprotocol bearer.TOKEN")
    func webSocketSubprotocol() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let probe = try await WebSocketProbe.open(gateway, token: "", protocols: "mzt, bearer.\(gateway.token)")
        try await probe.send(["type": .string("subscribe")])
        _ = try await probe.next("jobs")
        await probe.close()
        await #expect(throws: (any Error).self) {
            _ = try await WebSocketProbe.open(gateway, token: "", protocols: "mzt, bearer.\(String(gateway.token.reversed()))")
        }
        // The token is accepted this way on the WebSocket only.
        let rest = try await gateway.request("GET", "/api/jobs", token: "", headers: ["Sec-WebSocket-Protocol": "mzt, bearer.\(gateway.token)"])
        #expect(rest.status == 401)
    }

    @Test("http-token before the first --http start, --url without a gateway, and a lone --http-allow-remote say what to do")
    func cliErrors() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let noToken = try await conductor.run(["http-token"])
        #expect(noToken.exitCode == 66)
        #expect(noToken.stderr.contains("start the conductor with --http"))
        #expect(!(try await conductor.run(["conductor-status"])).stdout.contains("http:"))

        for command in ["start", "restart"] {
            let lone = try await conductor.run([command, "--yes", "--http-allow-remote"].filter { command == "restart" || $0 != "--yes" })
            #expect(lone.exitCode == 64, "\(command): \(lone.stderr)")
            #expect(lone.stderr.contains("--http-allow-remote needs --http"), "\(command)")
        }

        #expect(try await conductor.run(["restart", "--yes", "--http", "127.0.0.1:0"]).exitCode == 0)
        #expect((try await conductor.run(["conductor-status"])).stdout.contains("http:     http://127.0.0.1:"))
        // Stopped and started plainly, the conductor runs without the gateway; the token stays.
        #expect(try await conductor.run(["stop", "--yes"]).exitCode == 0)
        try await conductor.restart()
        let url = try await conductor.run(["http-token", "--url"])
        #expect(url.exitCode == 1)
        #expect(url.stderr.contains("runs without the HTTP gateway"))
        #expect(try await conductor.run(["http-token"]).exitCode == 0)
    }

    @Test("mzt restart brings the gateway back on the same address, with the same token")
    func restartKeepsAddress() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        func url() async throws -> String? {
            try await conductor.client.call(RPCMethod.conductorStatus, params: Empty(), as: ConductorStatusResult.self).httpURL
        }
        #expect(try await url() == nil)
        let first = try await conductor.run(["restart", "--yes", "--http", "127.0.0.1:0"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("status page: http://127.0.0.1:"))
        let address = try #require(try await url())
        let token = try String(contentsOfFile: conductor.home + "/http.token", encoding: .utf8)
        let second = try await conductor.run(["restart", "--yes"])
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(try await url() == address)
        #expect(try String(contentsOfFile: conductor.home + "/http.token", encoding: .utf8) == token)
    }

    @Test("Only loopback unless asked; a bad address or a busy port fails the start with a clear message")
    func listenAddress() async throws {
        var template = Array("/tmp/mzt-XXXXXX".utf8CString)
        let home = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["MZT_HOME": home]
        let remote = try await TestConductor.run(TestConductor.binary, ["start", "--http", "0.0.0.0:0"], environment: environment)
        #expect(remote.exitCode != 0)
        #expect(remote.stderr.contains("not a loopback address"))
        #expect(remote.stderr.contains("--http-allow-remote"))
        let garbage = try await TestConductor.run(TestConductor.binary, ["start", "--http", "localhost:http"], environment: environment)
        #expect(garbage.exitCode != 0)
        #expect(garbage.stderr.contains("HOST:PORT"))

        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let port = try #require(gateway.url.split(separator: ":").last)
        let busy = try await TestConductor.run(TestConductor.binary, ["start", "--http", "127.0.0.1:\(port)"], environment: environment)
        #expect(busy.exitCode == 1)
        #expect(busy.stderr.contains("cannot listen on 127.0.0.1:\(port)"))
        #expect(!FileManager.default.fileExists(atPath: home + "/conductor.sock"))

        let allowed = try await TestConductor.run(TestConductor.binary, ["start", "--http", "0.0.0.0:0", "--http-allow-remote"], environment: environment)
        #expect(allowed.exitCode == 0, "\(allowed.stderr)")
        _ = try await TestConductor.run(TestConductor.binary, ["stop", "--yes"], environment: environment)
    }
}
