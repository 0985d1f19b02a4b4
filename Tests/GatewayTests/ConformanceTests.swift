import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

/// Files of the repository, found from this source file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// A program on PATH, or a failure that says how to install it.
    static func tool(_ name: String, install: String) throws -> String {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestFailure("\(name) is not installed; \(install) (or run `make test-deps`)")
    }
}

@Suite("Gateway conformance", .serialized)
struct ConformanceTests {
    @Test("The server answers as Docs/openapi.yaml says (schemathesis: examples, coverage, fuzzing, stateful)")
    func openAPI() async throws {
        let python = try Repository.tool("python3", install: "apt-get install python3")
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let workDirectory = gateway.conductor.home + "/schemathesis"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)

        let result = try await TestConductor.run("/bin/sh", [
            "-c", "cd \"$0\" && exec \"$1\" -c \"$6\" --no-color --config-file \"$2\" run \"$3\" --url \"$4\" -H \"Authorization: Bearer $5\" --max-examples 30 --seed 20261123",
            workDirectory, python, Repository.path("Tests/GatewayTests/Fixtures/schemathesis.toml"),
            Repository.path("Docs/openapi.yaml"), gateway.url, gateway.token,
            "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
        ], timeout: 600)
        #expect(result.exitCode == 0, "schemathesis found problems:\n\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("15 selected / 15 total"))
        // The run reached the API's core: the example score was accepted and ran.
        let log = try String(contentsOfFile: gateway.conductor.home + "/conductor.log", encoding: .utf8)
        #expect(log.contains("\"job started\""), "no job was started during the run")
        let health = try await gateway.conductor.client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self)
        #expect(health.status == "ok")
    }

    @Test("The status page in headless Chromium: live list, 24-hour times, log in view, 800 px, module rows, filter, pages, delete, clear, output, Cancel")
    func statusPage() async throws {
        let chromium = try Repository.tool("chromium", install: "apt-get install chromium")
        let python = try Repository.tool("python3", install: "apt-get install python3")
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let client = gateway.conductor.client
        func score(_ name: String, _ command: String, sheets: Int = 1) -> String {
            "name: \(name)\nworkspace: ./page-ws\nbackend: {type: command}\nsheet: {size: 1, total_items: \(sheets)}\nprompt: {template: \"\(command)\"}\n"
        }
        let service = JobControlService(client: client)
        for n in 1...24 { _ = try await service.startJob(configContent: score("fill-\(n)", "true")) }
        _ = try await service.startJob(configContent: score("broken", "exit 3"))
        let module = gateway.conductor.home + "/page-module"
        try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
        try #"{"id": "mod", "name": "Mod", "version": "1.0.0", "entrypoint": "run.sh"}"#.write(toFile: module + "/module.json", atomically: true, encoding: .utf8)
        try "#!/bin/bash\nread -r request\nsleep 600\n".write(toFile: module + "/run.sh", atomically: true, encoding: .utf8)
        chmod(module + "/run.sh", 0o755)
        _ = try await client.call("module.install", params: ["path": module], as: JSONValue.self)
        _ = try await client.call("job.start", params: ["module_id": "mod"], as: SubmitResult.self)
        _ = try await service.startJob(configContent: score("frozen", "sleep 600"))
        try await Poll.until(timeout: 20) {
            try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: "frozen")).sheets.first?.status == .running
        }
        _ = try await client.call(RPCMethods.jobPause, PauseParams(jobID: "frozen", now: true))
        let submitted = try await service.startJob(configContent: score("page-job", "echo page-output; sleep 600", sheets: 3))
        try await Poll.until(timeout: 30) {
            try await client.call(RPCMethods.jobList, ListParams(status: [.completed, .failed], limit: 100)).jobs.count == 25
        }

        let shot = ProcessInfo.processInfo.environment["MZT_SCREENSHOT"]
        let result = try await TestConductor.run(
            python, [Repository.path("Tests/GatewayTests/Fixtures/page_check.py"), gateway.url, gateway.token, submitted.jobID],
            environment: ["MZT_CHROMIUM": chromium].merging(shot.map { ["MZT_SCREENSHOT": $0] } ?? [:]) { $1 }, timeout: 240
        )
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr.suffix(4000))")
        let seen = try JSONDecoder().decode([String: JSONValue].self, from: Data(result.stdout.utf8))
        #expect(seen["address"]?.stringValue == gateway.url + "/", "the login link should leave a clean address")
        #expect(seen["connection"]?.stringValue == "live")
        #expect(seen["page_info"]?.stringValue == "1–25 of 28")
        #expect(seen["rows_first_page"] == .int(25))
        #expect(seen["page_two"]?.stringValue == "26–28 of 28")
        // A job paused with --now is paused, not running; the module job runs.
        #expect(seen["counts"]?.stringValue == "2 running · 0 pending · 1 paused", "\(seen["counts"] ?? .null)")
        #expect(seen["broken_error"]?.stringValue?.contains("exit code 3") == true)
        #expect(seen["module_bars"] == .int(0))
        #expect(seen["module_progress"]?.stringValue == "module")
        let started = seen["started"]?.stringValue ?? ""
        #expect(started.range(of: #"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"#, options: .regularExpression) != nil, "24-hour clock: \(started)")
        #expect(seen["ran"]?.stringValue?.isEmpty == false)
        #expect(seen["log_in_view"] == .bool(true))
        #expect(seen["buttons_in_view_800"] == .bool(true))
        #expect(seen["rows_filtered"] == .int(1))
        #expect(seen["rows_failed"] == .int(1))
        #expect(seen["output"]?.stringValue?.contains("==> sheet 1, attempt 1, stdout <==") == true)
        #expect(seen["rows_after_clear"] == .int(3))
        #expect(seen["name"]?.stringValue == "page-job")
        #expect(seen["progress_max"]?.stringValue == "3")
        #expect(seen["status_after"]?.stringValue == "cancelled")

        // The clicks reached the conductor.
        #expect(try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: submitted.jobID)).job.status == .cancelled)
        let gone = try await gateway.request("GET", "/api/jobs/fill-22")
        #expect(gone.status == 404)
        _ = try? await client.call(RPCMethods.jobCancel, JobIDParams(jobID: "frozen"))
        _ = try? await client.call(RPCMethods.jobCancel, JobIDParams(jobID: "mod"))
    }
}
