import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

/// A client written against the job-execution description works unchanged: it
/// sends only that description's examples, and reads only the fields it documents.
@Suite("Gateway: the other dialect", .serialized)
struct SeedDialectTests {
    /// The description's examples, verbatim (its `"graph": { ... }` placeholder as `{}`).
    static let runJob = #"""
        {
          "command": "run_job",
          "data": {
            "workflow_id": "workflow_123",
            "user_id": "user_123",
            "auth_token": "token",
            "job_type": "workflow",
            "params": {},
            "graph": {}
          }
        }
        """#

    static func reconnectJob(_ id: String) -> String {
        #"{"command": "reconnect_job", "data": {"job_id": "\#(id)"}}"#
    }

    static func cancelJob(_ id: String) -> String {
        #"{"command": "cancel_job", "data": {"job_id": "\#(id)"}}"#
    }

    /// The "workflow": a module named as in the examples, running until a gate file exists.
    static func installWorkflow(_ gateway: Gateway) async throws -> String {
        let folder = gateway.conductor.home + "/workflow-src"
        let gate = gateway.conductor.home + "/workflow-gate"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"id": "workflow_123", "name": "Workflow", "version": "1.0.0", "entrypoint": "run.sh"}"#
            .write(toFile: folder + "/module.json", atomically: true, encoding: .utf8)
        try """
            #!/bin/bash
            read -r request
            echo '{"log": "workflow running", "level": "INFO"}'
            while [ ! -e \(gate) ]; do sleep 0.05; done
            echo '{"log": "workflow done", "level": "INFO"}'

            """.write(toFile: folder + "/run.sh", atomically: true, encoding: .utf8)
        chmod(folder + "/run.sh", 0o755)
        _ = try await gateway.conductor.client.call("module.install", params: ["path": folder], as: JSONValue.self)
        return gate
    }

    func send(_ probe: WebSocketProbe, _ text: String) async throws {
        let value = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        try await probe.send(value)
    }

    /// The first message (after `skip` of them) whose `message` starts with `prefix`.
    func answer(_ probe: WebSocketProbe, _ prefix: String) async throws -> JSONValue {
        var found: JSONValue?
        try await Poll.until(timeout: 20) {
            found = probe.messages.first { $0["message"]?.stringValue?.hasPrefix(prefix) == true }
            return found != nil
        }
        return try #require(found)
    }

    @Test("run_job, reconnect_job, cancel_job in the {command, data} envelope; /api/jobs/running/all; /api/jobs/ with limit and start_key")
    func seedClient() async throws {
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let gate = try await Self.installWorkflow(gateway)

        let first = try await WebSocketProbe.open(gateway)
        try await send(first, Self.runJob)
        let started = try await answer(first, "Job started")
        #expect(started["message"]?.stringValue == "Job started")
        let jobID = try #require(started["job_id"]?.stringValue)
        await first.close()

        // GET /api/jobs/running/all lists it with the documented fields.
        var running: [JSONValue] = []
        try await Poll.until(timeout: 20) {
            running = try await gateway.json("GET", "/api/jobs/running/all").arrayValue ?? []
            return running.contains { $0["job_id"]?.stringValue == jobID }
        }
        let entry = try #require(running.first { $0["job_id"]?.stringValue == jobID })
        #expect(entry["status"]?.stringValue == "running")
        #expect(entry["workflow_id"]?.stringValue == "workflow_123")
        #expect(entry["is_running"] == .bool(true) && entry["is_completed"] == .bool(false))
        #expect(entry["created_at"]?.stringValue != nil)

        // Reconnecting streams what the job logs.
        let second = try await WebSocketProbe.open(gateway)
        try await send(second, Self.reconnectJob(jobID))
        let reconnected = try await answer(second, "Reconnecting to job")
        #expect(reconnected["message"]?.stringValue == "Reconnecting to job \(jobID)")
        #expect(reconnected["job_id"]?.stringValue == jobID)
        try await Poll.until(timeout: 20) {
            second.messages.contains { $0["entry"]?["message"]?.stringValue == "workflow running" }
        }

        // GET /api/jobs/{id} has the documented fields.
        let detail = try await gateway.json("GET", "/api/jobs/\(jobID)")
        #expect(detail["id"]?.stringValue == jobID)
        #expect(detail["status"]?.stringValue == "running")
        #expect(detail["job_type"] != nil && detail["finished_at"] == .null && detail["error"] == .null)

        try await send(second, Self.cancelJob(jobID))
        _ = try await second.next("job_ended", timeout: 30)

        // Run it again; POST /api/jobs/{job_id}/cancel answers with message and job_id.
        try await send(second, Self.runJob)
        try await Poll.until(timeout: 20) {
            guard second.messages.contains(where: { $0["message"]?.stringValue == "Job started" }) else { return false }
            let job = try? await gateway.json("GET", "/api/jobs/\(jobID)")
            return job?["status"]?.stringValue == "running"
        }
        let cancel = try await gateway.json("POST", "/api/jobs/\(jobID)/cancel")
        #expect(cancel["job_id"]?.stringValue == jobID)
        #expect(cancel["message"]?.stringValue != nil)
        _ = try await second.next("job_ended", timeout: 30)
        await second.close()
        FileManager.default.createFile(atPath: gate, contents: nil)

        // GET /api/jobs/?limit=50: a bare array of jobs, paged with start_key.
        for n in 1...3 {
            let score = "name: page\(n)\nworkspace: ./page-ws\nsheet: {size: 1, total_items: 1}\nprompt: {template: \"true\"}\n"
            _ = try await gateway.request("POST", "/api/jobs?id=page\(n)", body: score)
        }
        let all = try await gateway.json("GET", "/api/jobs/?limit=50").arrayValue ?? []
        #expect(all.count == 4, "\(all)")
        #expect(all.allSatisfy { $0["id"] != nil && $0["status"] != nil && $0["job_type"] != nil && $0["started_at"] != nil })
        #expect(all.allSatisfy { $0["user_id"] == .null && $0["cost"] == .null })
        let firstPage = try await gateway.json("GET", "/api/jobs/?limit=2").arrayValue ?? []
        #expect(firstPage.count == 2)
        let last = try #require(firstPage.last?["id"]?.stringValue)
        let nextPage = try await gateway.json("GET", "/api/jobs/?limit=2&start_key=\(last)").arrayValue ?? []
        #expect(nextPage.count == 2)
        #expect(Set((firstPage + nextPage).compactMap { $0["id"]?.stringValue }).count == 4)
        let byWorkflow = try await gateway.json("GET", "/api/jobs/?workflow_id=workflow_123").arrayValue ?? []
        #expect(byWorkflow.compactMap { $0["id"]?.stringValue } == [jobID])
        #expect(try await gateway.request("GET", "/api/jobs/?start_key=nosuch").status == 404)

        // This API's own shapes are unchanged.
        let own = try await gateway.json("GET", "/api/jobs?limit=50")
        #expect(own["jobs"]?.arrayValue?.count == 4)
    }
}
