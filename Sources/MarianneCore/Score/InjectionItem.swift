/// Where injected content goes in a prompt.
public enum InjectionCategory: String, Sendable, Equatable, Codable, CaseIterable {
    /// Background knowledge: the "Injected Context" section, before the template.
    case context
    /// Methodology: the "Injected Skills" section, first.
    case skill
    /// Available actions: the "Injected Tools" section, after the skills.
    case tool
}

/// A file or a directory whose content is injected into a prompt (`prelude`, `cadenzas`).
/// Paths may use template variables (undefined ones render empty) and are relative to the
/// workspace; they are read when the sheet runs.
public struct InjectionItem: Sendable, Equatable, Codable {
    public enum Source: Sendable, Equatable, Codable {
        case file(String)
        /// Every file directly in the directory, in name order.
        case directory(String)
    }

    public var source: Source
    public var category: InjectionCategory

    public init(_ source: Source, as category: InjectionCategory) {
        self.source = source
        self.category = category
    }

    /// The path as written.
    public var path: String {
        switch source {
        case .file(let path), .directory(let path): return path
        }
    }
}
