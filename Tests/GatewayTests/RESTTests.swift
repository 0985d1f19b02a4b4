import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

@Suite("Gateway REST API", .serialized)
struct RESTTests {
    @Test("A job's whole life over REST: submit, status, list, pause, resume, logs, results, cancel, delete")
    func jobLifecycle() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }

        let reply = try await gateway.request("POST", "/api/jobs?id=web1", body: Gateway.slowScore(name: "web", sheets: 60, pause: 0.5))
        #expect(reply.status == 201, "\(reply.text)")
        #expect(reply.header("Location") == "/api/jobs/web1")
        let submitted = try reply.json()
        #expect(submitted["job_id"]?.stringValue == "web1")
        #expect(submitted["total_sheets"]?.intValue == 60)
        // Relative workspaces of scores posted over HTTP land under MZT_HOME/workspaces.
        #expect(submitted["workspace"]?.stringValue == gateway.conductor.home + "/workspaces/web-ws")

        try await Poll.until(timeout: 20) {
            try await gateway.json("GET", "/api/jobs/web1")["job"]?["status"]?.stringValue == "running"
        }
        let running = try await gateway.json("GET", "/api/jobs/running")
        #expect(running["jobs"]?.arrayValue?.compactMap { $0["job_id"]?.stringValue } == ["web1"])
        let filtered = try await gateway.json("GET", "/api/jobs?status=running,paused&name=web&limit=5")
        #expect(filtered["jobs"]?.arrayValue?.count == 1)

        // Pause waits for the sheet boundary; resume carries on from the checkpoint.
        let paused = try await gateway.json("POST", "/api/jobs/web1/pause")
        #expect(paused["success"] == .bool(true))
        try await Poll.until(timeout: 20) {
            try await gateway.json("GET", "/api/jobs/web1")["job"]?["status"]?.stringValue == "paused"
        }
        let resumed = try await gateway.json("POST", "/api/jobs/web1/resume")
        #expect(resumed["job_id"]?.stringValue == "web1")
        try await Poll.until(timeout: 20) {
            try await gateway.json("GET", "/api/jobs/web1")["job"]?["status"]?.stringValue == "running"
        }

        // Logs: since and tail, the same entries the socket gives.
        try await Poll.until(timeout: 20) {
            (try await gateway.json("GET", "/api/jobs/web1/logs")["entries"]?.arrayValue?.count ?? 0) >= 5
        }
        let all = try await gateway.json("GET", "/api/jobs/web1/logs")
        let allSeqs = all["entries"]?.arrayValue?.compactMap { $0["seq"]?.intValue } ?? []
        #expect(allSeqs == Array(1...allSeqs.count))
        let since = try await gateway.json("GET", "/api/jobs/web1/logs?since=3")
        #expect(since["entries"]?.arrayValue?.first?["seq"]?.intValue == 4)
        let tail = try await gateway.json("GET", "/api/jobs/web1/logs?tail=2")
        #expect(tail["entries"]?.arrayValue?.count == 2)
        let socket = try await gateway.conductor.client.call(RPCMethod.jobLogs, params: LogsParams(jobID: "web1", since: 3), as: LogsResult.self)
        #expect(socket.entries.prefix(2).map(\.message) == since["entries"]?.arrayValue?.prefix(2).compactMap { $0["message"]?.stringValue })

        let cancelled = try await gateway.json("POST", "/api/jobs/web1/cancel")
        #expect(cancelled["success"] == .bool(true))
        try await Poll.until(timeout: 20) {
            try await gateway.json("GET", "/api/jobs/web1")["job"]?["status"]?.stringValue == "cancelled"
        }
        let results = try await gateway.json("GET", "/api/jobs/web1/results")
        #expect(results["job_id"]?.stringValue == "web1")
        #expect(results["results"]?.arrayValue != nil)

        let deleted = try await gateway.json("DELETE", "/api/jobs/web1")
        #expect(deleted["deleted"] == .bool(true))
        let gone = try await gateway.request("GET", "/api/jobs/web1")
        #expect(gone.status == 404)
        #expect(try gone.json()["error"]?["code"]?.stringValue == "job_not_found")
        let list = try await gateway.conductor.client.call(RPCMethod.jobList, params: ListParams(all: true), as: ListResult.self)
        #expect(list.jobs.isEmpty)
    }

    @Test("A completed job's results and the conductor's status")
    func resultsAndConductor() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let score = """
            name: saver
            workspace: ./saver-ws
            backend: {type: command}
            sheet: {size: 1, total_items: 2}
            prompt:
              template: echo "sheet {{ sheet_num }}" > out-{{ sheet_num }}.txt
            """
        _ = try await gateway.json("POST", "/api/jobs?id=saver", body: score, expect: 201)
        try await Poll.until(timeout: 20) {
            try await gateway.json("GET", "/api/jobs/saver")["job"]?["status"]?.stringValue == "completed"
        }
        let status = try await gateway.json("GET", "/api/jobs/saver")
        #expect(status["job"]?["completed_sheets"]?.intValue == 2)
        #expect(status["sheets"]?.arrayValue?.count == 2)
        let workspace = try #require(status["job"]?["workspace"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: workspace + "/out-2.txt"))

        let conductor = try await gateway.json("GET", "/api/conductor")
        #expect(conductor["pid"]?.intValue == Int(gateway.conductor.pid ?? -1))
        #expect(conductor["http_url"]?.stringValue == gateway.url)
        #expect(conductor["jobs_by_status"]?["completed"]?.intValue == 1)
    }

    @Test("Bad input gets the socket's error detail with a fitting HTTP status, and the conductor carries on")
    func badInput() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }

        let invalid = "name: broken\nworkspace: ./w\nprompt: {template: echo}\nbogus_key: 1\nbackend: {type: command}\n"
        let reply = try await gateway.request("POST", "/api/jobs", body: invalid)
        #expect(reply.status == 422)
        let error = try #require(try reply.json()["error"])
        #expect(error["code"]?.stringValue == "invalid_score")
        // The same message and problem list the socket gives for the same score.
        do {
            _ = try await gateway.conductor.client.call(
                RPCMethod.jobSubmit, params: SubmitParams(configContent: invalid, baseDirectory: "/tmp"), as: SubmitResult.self
            )
            Issue.record("the socket accepted an invalid score")
        } catch ClientError.rpc(let rpc) {
            #expect(error["message"]?.stringValue == rpc.message)
            #expect(error["data"] == rpc.data)
            #expect(error["rpc_code"]?.intValue == rpc.code)
        }

        let yamlError = try await gateway.request("POST", "/api/jobs", body: "name: [unclosed\n")
        #expect(yamlError.status == 422)
        let empty = try await gateway.request("POST", "/api/jobs", body: "")
        #expect(empty.status == 400)
        #expect(empty.text.contains("body is empty"))

        for path in ["/api/jobs?limit=0", "/api/jobs?limit=abc", "/api/jobs?status=sleeping", "/api/jobs?all=maybe", "/api/jobs/x/logs?tail=-1"] {
            let bad = try await gateway.request("GET", path)
            #expect(bad.status == 400, "\(path): \(bad.text)")
            #expect(try bad.json()["error"]?["code"]?.stringValue == "invalid_request", "\(path)")
        }
        let unknownJob = try await gateway.request("POST", "/api/jobs/nope/cancel")
        #expect(unknownJob.status == 404)
        #expect(unknownJob.text.contains("nope"))
        let noRoute = try await gateway.request("GET", "/api/unknown")
        #expect(noRoute.status == 404)
        #expect(try noRoute.json()["error"]?["code"]?.stringValue == "not_found")
        let relative = try await gateway.request("POST", "/api/jobs?workspace=relative/dir", body: Gateway.slowScore(name: "r"))
        #expect(relative.status == 400)

        // A second submit under a live job's id conflicts.
        _ = try await gateway.json("POST", "/api/jobs?id=dup", body: Gateway.slowScore(name: "dup", sheets: 3, pause: 0.3), expect: 201)
        let again = try await gateway.request("POST", "/api/jobs?id=dup", body: Gateway.slowScore(name: "dup"))
        #expect(again.status == 409, "\(again.text)")
        _ = try await gateway.json("POST", "/api/jobs/dup/cancel")

        let health = try await gateway.conductor.client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self)
        #expect(health.status == "ok")
    }
}
