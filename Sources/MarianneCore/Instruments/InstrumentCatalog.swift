import Foundation

/// The instruments a conductor can play: the builtins, then the profiles in
/// `$MZT_HOME/instruments/`, then those in a score folder's `.marianne/instruments/` (later
/// ones replace earlier ones of the same name, as in Marianne). A profile that does not
/// load is kept as a problem naming its file and field; it replaces nothing.
public struct InstrumentCatalog: Sendable, Equatable {
    public private(set) var profiles: [String: InstrumentProfile]
    public private(set) var problems: [InstrumentProfileProblem]

    /// Files per folder and bytes per file read at most.
    public static let maxFiles = 200

    public init(profiles: [InstrumentProfile] = BuiltinInstruments.all, problems: [InstrumentProfileProblem] = []) {
        self.profiles = Dictionary(profiles.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.problems = problems
    }

    /// The builtins alone.
    public static let builtin = InstrumentCatalog()

    /// The user profiles of a conductor home (`HOME/instruments`).
    public static func userDirectory(home: String) -> String {
        (home as NSString).appendingPathComponent("instruments")
    }

    /// A score folder's profiles (`FOLDER/.marianne/instruments`).
    public static func scoreDirectory(_ folder: String) -> String {
        (folder as NSString).appendingPathComponent(".marianne/instruments")
    }

    /// The builtins and the profiles in `directories`, in order.
    public static func load(directories: [String]) -> InstrumentCatalog {
        var catalog = InstrumentCatalog.builtin
        for directory in directories { catalog.add(directory: directory) }
        return catalog
    }

    /// Adds the `.yaml`/`.yml` files of `directory` in name order (missing folder: nothing).
    public mutating func add(directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.filter { !$0.hasPrefix(".") }.sorted()
        if files.count > Self.maxFiles {
            problems.append(InstrumentProfileProblem(
                file: directory, field: "", message: "has \(files.count) profiles; only the first \(Self.maxFiles) are read"
            ))
        }
        for name in files.prefix(Self.maxFiles) {
            let path = (directory as NSString).appendingPathComponent(name)
            add(file: path)
        }
    }

    /// Adds one profile file; a problem when it cannot be read or parsed.
    public mutating func add(file path: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        guard Int(info.st_size) <= InstrumentProfileParser.maxBytes else {
            problems.append(InstrumentProfileProblem(
                file: path, field: "", message: "the file is \(info.st_size) bytes; profiles are limited to \(InstrumentProfileParser.maxBytes)"
            ))
            return
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            problems.append(InstrumentProfileProblem(file: path, field: "", message: "cannot be read as UTF-8 text"))
            return
        }
        do {
            let profile = try InstrumentProfileParser.parse(text, file: path)
            profiles[profile.name] = profile
        } catch {
            problems += error.problems
        }
    }

    /// The profile a name stands for: a profile's name, or one of the aliases
    /// (`claude_cli`, `command`, ...) when no profile has that name.
    public func profile(_ name: String) -> InstrumentProfile? {
        if let profile = profiles[name] { return profile }
        if let target = BuiltinInstruments.aliases[name] { return profiles[target] }
        return nil
    }

    /// Every name a score may use.
    public var names: Set<String> {
        Set(profiles.keys).union(BuiltinInstruments.aliases.keys.filter { profile($0) != nil })
    }

    /// The problems of profile files named `name` (a score that plays it gets them as its error).
    public func problems(forFileOf name: String) -> [InstrumentProfileProblem] {
        problems.filter { ($0.file as NSString).lastPathComponent.hasPrefix(name + ".") }
    }

    /// The closest instrument name to `name`, for a "did you mean" hint.
    public func suggestion(for name: String) -> String? {
        ScoreKeys.suggestion(for: name, in: names)
    }

    /// Marianne's instruments that are backends of its own, not profiles: known, not run here.
    public static let nativeOnly: Set<String> = ["anthropic_api", "ollama", "recursive_light"]
}
