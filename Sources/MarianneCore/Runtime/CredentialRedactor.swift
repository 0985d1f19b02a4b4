import Foundation

/// Replaces API keys and tokens in text read into prompts (captured files), with Marianne's
/// patterns and labels.
public enum CredentialRedactor {
    static let patterns: [(NSRegularExpression, String)] = [
        (#"sk-ant-api\S{10,}"#, "[REDACTED_ANTHROPIC_KEY]"),
        (#"sk-proj-[a-zA-Z0-9_-]{20,}"#, "[REDACTED_OPENAI_KEY]"),
        (#"sk-[a-zA-Z0-9]{40,}"#, "[REDACTED_OPENAI_KEY]"),
        (#"AIzaSy[a-zA-Z0-9_-]{28,}"#, "[REDACTED_GOOGLE_KEY]"),
        (#"AKIA[A-Z0-9]{16}"#, "[REDACTED_AWS_KEY]"),
        (#"(?<=Bearer\s)[a-zA-Z0-9._-]{20,}"#, "[REDACTED_BEARER_TOKEN]"),
        (#"ghp_[a-zA-Z0-9]{36,}"#, "[REDACTED_GITHUB_TOKEN]"),
        (#"gho_[a-zA-Z0-9]{36,}"#, "[REDACTED_GITHUB_TOKEN]"),
        (#"github_pat_[a-zA-Z0-9_]{36,}"#, "[REDACTED_GITHUB_TOKEN]"),
        (#"xoxb-[a-zA-Z0-9-]{20,}"#, "[REDACTED_SLACK_TOKEN]"),
        (#"xoxp-[a-zA-Z0-9-]{20,}"#, "[REDACTED_SLACK_TOKEN]"),
        (#"xapp-[a-zA-Z0-9-]{20,}"#, "[REDACTED_SLACK_TOKEN]"),
        (#"hf_[a-zA-Z0-9]{20,}"#, "[REDACTED_HF_TOKEN]"),
    ].compactMap { pattern, label in (try? NSRegularExpression(pattern: pattern)).map { ($0, label) } }

    public static func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var result = text
        for (regex, label) in patterns {
            let range = NSRange(result.startIndex..., in: result)
            result = regex.stringByReplacingMatches(in: result, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: label))
        }
        return result
    }
}
