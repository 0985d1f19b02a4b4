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

    @Test("The status page in headless Chromium lists a running job live, shows its log, and Cancel cancels it")
    func statusPage() async throws {
        let chromium = try Repository.tool("chromium", install: "apt-get install chromium")
        let python = try Repository.tool("python3", install: "apt-get install python3")
        let gateway = try await Gateway.start()
        defer { gateway.shutdown() }
        let score = """
            name: page-job
            workspace: ./page-ws
            backend: {type: command}
            sheet: {size: 1, total_items: 3}
            prompt: {template: "sleep 60"}
            """
        let submitted = try await JobControlService(client: gateway.conductor.client).startJob(configContent: score)

        let result = try await TestConductor.run(
            python, [Repository.path("Tests/GatewayTests/Fixtures/page_check.py"), gateway.url, gateway.token, submitted.jobID],
            environment: ["MZT_CHROMIUM": chromium], timeout: 180
        )
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr.suffix(4000))")
        let seen = try JSONDecoder().decode([String: JSONValue].self, from: Data(result.stdout.utf8))
        #expect(seen["address"]?.stringValue == gateway.url + "/", "the login link should leave a clean address")
        #expect(seen["name"]?.stringValue == "page-job")
        #expect(seen["progress_max"]?.stringValue == "3")
        #expect(seen["connection"]?.stringValue == "live")
        #expect(seen["status_after"]?.stringValue == "cancelled")

        // The click reached the conductor: the job is cancelled and its sheet's process is gone.
        let status = try await gateway.conductor.client.call(RPCMethod.jobStatus, params: JobIDParams(jobID: submitted.jobID), as: JobStatusResult.self)
        #expect(status.job.status == .cancelled)
    }
}
