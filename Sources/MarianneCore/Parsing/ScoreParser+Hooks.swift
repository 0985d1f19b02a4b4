import Foundation
import Yams

extension ScoreParser {
    /// `on_success`: `{run_command: ...}` / `{run_job: ...}` (run by the conductor today) and
    /// Marianne's `{type: run_job, job_path: ..., ...}` form (loaded into the model).
    mutating func parseHooks(_ node: Node) -> ([Hook], [PostSuccessHook]) {
        if Self.isNull(node) { return ([], []) }
        guard case .sequence(let items) = node else {
            report(ScoreCode.wrongType, "on_success must be a list of {run_command: ...}, {run_job: ...} or {type: run_job, job_path: ...}", node)
            return ([], [])
        }
        var hooks: [Hook] = []
        var all: [PostSuccessHook] = []
        for (index, item) in items.enumerated() {
            let path = "on_success[\(index)]"
            if case .mapping(let mapping) = item, mapping.keys.contains(where: { $0.string == "type" }) {
                if let hook = parseTypedHook(item, path) {
                    all.append(hook)
                    if hook.pauseBeforeChain {
                        warn(ScoreCode.ignoredKey, "\(path).pause_before_chain is not supported; the chained job is submitted at once", item)
                    }
                }
                continue
            }
            guard let entries = mapping(item, path, known: ScoreKeys.hook) else { continue }
            guard entries.count == 1, let (key, _, value) = entries.first else {
                report(ScoreCode.invalidValue, "\(path) needs exactly one of run_command or run_job", item)
                continue
            }
            guard let text = string(value, "\(path).\(key)") else { continue }
            if key == "run_command" {
                hooks.append(.runCommand(text))
                all.append(PostSuccessHook(kind: .runCommand, command: text, typed: false))
            } else {
                hooks.append(.runJob(text))
                all.append(PostSuccessHook(kind: .runJob, jobPath: text, typed: false))
            }
        }
        return (hooks, all)
    }

    mutating func parseTypedHook(_ node: Node, _ path: String) -> PostSuccessHook? {
        guard let entries = mapping(node, path, known: ScoreKeys.postSuccessHook) else { return nil }
        var hook = PostSuccessHook(kind: .runJob)
        var kind: PostSuccessHook.Kind?
        for (key, _, value) in entries {
            let field = "\(path).\(key)"
            if Self.isNull(value), key != "type" { continue }
            switch key {
            case "type":
                guard let text = string(value, field) else { continue }
                kind = PostSuccessHook.Kind(rawValue: text)
                if kind == nil { report(ScoreCode.invalidValue, "\(field) \"\(text)\" is not run_job, run_command or run_script", value) }
            case "job_path": hook.jobPath = string(value, field)
            case "job_workspace": hook.jobWorkspace = string(value, field)
            case "inherit_learning": hook.inheritLearning = bool(value, field) ?? true
            case "command": hook.command = string(value, field)
            case "working_directory": hook.workingDirectory = string(value, field)
            case "description": hook.description = string(value, field)
            case "on_failure":
                guard let text = string(value, field) else { continue }
                if let action = PostSuccessHook.FailureAction(rawValue: text) {
                    hook.onFailure = action
                } else {
                    report(ScoreCode.invalidValue, "\(field) \"\(text)\" is not continue or abort", value)
                }
            case "timeout_seconds": hook.timeoutSeconds = seconds(value, field, above: true) ?? hook.timeoutSeconds
            case "detached": hook.detached = bool(value, field) ?? false
            case "fresh": hook.fresh = bool(value, field) ?? false
            case "pause_before_chain": hook.pauseBeforeChain = bool(value, field) ?? false
            default: break
            }
        }
        guard let kind else { return nil }
        hook.kind = kind
        if kind == .runJob, hook.jobPath == nil {
            report(ScoreCode.missingKey, "\(path) (run_job) needs a job_path", node)
            return nil
        }
        if kind != .runJob, hook.command == nil {
            report(ScoreCode.missingKey, "\(path) (\(kind.rawValue)) needs a command", node)
            return nil
        }
        return hook
    }
}
