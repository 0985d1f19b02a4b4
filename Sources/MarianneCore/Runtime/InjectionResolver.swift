import Foundation

/// Prelude and cadenza content for one sheet, by category, in Marianne's order.
public struct InjectionSections: Sendable, Equatable, Codable {
    public var context: [String]
    public var skills: [String]
    public var tools: [String]
    /// Items that were skipped and why (missing files, bad path templates).
    public var notes: [String]

    public init(context: [String] = [], skills: [String] = [], tools: [String] = [], notes: [String] = []) {
        self.context = context
        self.skills = skills
        self.tools = tools
        self.notes = notes
    }

    public var isEmpty: Bool { context.isEmpty && skills.isEmpty && tools.isEmpty }

    /// "## Injected Skills" and "## Injected Tools", as Marianne puts them first in a prompt.
    public var skillsAndToolsSection: String? {
        var parts: [String] = []
        if !skills.isEmpty { parts.append("## Injected Skills\n\n" + skills.joined(separator: "\n\n")) }
        if !tools.isEmpty { parts.append("## Injected Tools\n\n" + tools.joined(separator: "\n\n")) }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// "## Injected Context", after the skills and tools.
    public var contextSection: String? {
        context.isEmpty ? nil : "## Injected Context\n\n" + context.joined(separator: "\n\n")
    }
}

/// Reads `sheet.prelude` and `sheet.cadenzas` items as Marianne does when a sheet runs.
public enum InjectionResolver {
    static let binaryKinds: [String: String] = [
        ".pdf": "PDF document", ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image",
        ".docx": "Word document", ".xlsx": "spreadsheet", ".xls": "spreadsheet",
    ]

    /// The prelude, then the sheet's cadenzas.
    public static func items(forSheet number: Int, in score: Score) -> [InjectionItem] {
        score.sheet.prelude + (score.sheet.cadenzas[number] ?? [])
    }

    /// Each item's path is rendered with `variables` (undefined names render empty) and taken
    /// from the workspace when relative. A file is injected as its text; each file of a
    /// directory (in name order) gets a "--- Input: NAME ---" header; a file that is not UTF-8
    /// text becomes a note telling the agent to read it with its tools. Missing files are skipped.
    public static func resolve(_ items: [InjectionItem], variables: [String: TemplateValue], workspace: String) -> InjectionSections {
        var sections = InjectionSections()
        var files = 0
        for item in items {
            guard let rendered = renderPath(item.path, variables: variables) else {
                sections.notes.append("\(item.path): the path template cannot be rendered")
                continue
            }
            let path = rendered.hasPrefix("/") ? rendered : (workspace as NSString).appendingPathComponent(rendered)
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            switch item.source {
            case .file:
                guard exists, !isDirectory.boolValue else {
                    sections.notes.append("\(path): no such file (\(item.category.rawValue) skipped)")
                    continue
                }
                guard files < ScoreLimits.maxInjectedFiles else { continue }
                files += 1
                if let text = content(of: path, fromDirectory: false) { append(text, item.category, to: &sections) }
            case .directory:
                guard exists, isDirectory.boolValue else {
                    sections.notes.append("\(path): no such directory (\(item.category.rawValue) skipped)")
                    continue
                }
                let names = DirectoryNames.of(path)
                    .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                for name in names {
                    let file = (path as NSString).appendingPathComponent(name)
                    var nested: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: file, isDirectory: &nested), !nested.boolValue else { continue }
                    guard files < ScoreLimits.maxInjectedFiles else { break }
                    files += 1
                    if let text = content(of: file, fromDirectory: true) { append(text, item.category, to: &sections) }
                }
            }
        }
        return sections
    }

    /// The path template rendered leniently: names the variables lack render as "".
    public static func renderPath(_ path: String, variables: [String: TemplateValue]) -> String? {
        guard path.contains("{{") || path.contains("{%") || path.contains("{#") else { return path }
        do {
            let template = try Template(path)
            var context = variables
            for name in template.referencedVariables where context[name] == nil { context[name] = .string("") }
            return try template.render(context)
        } catch {
            return nil
        }
    }

    static func append(_ text: String, _ category: InjectionCategory, to sections: inout InjectionSections) {
        switch category {
        case .context: sections.context.append(text)
        case .skill: sections.skills.append(text)
        case .tool: sections.tools.append(text)
        }
    }

    static func content(of path: String, fromDirectory: Bool) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: ScoreLimits.maxInjectedFileBytes) ?? Data() else { return nil }
        let name = (path as NSString).lastPathComponent
        if let text = String(data: data, encoding: .utf8) {
            return fromDirectory ? "--- Input: \(name) ---\n\n" + text : text
        }
        let ext = ("." + (name as NSString).pathExtension).lowercased()
        let kind = binaryKinds[ext] ?? "file"
        return "--- Input: \(name) (binary \u{2014} \(kind), read with your tools) ---\n\n"
            + "This file cannot be displayed inline. Read it using your file reading tools.\n"
            + "Path: \(RealPath.resolve(path))\n"
    }
}
