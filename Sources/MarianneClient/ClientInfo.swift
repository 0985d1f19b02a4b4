import MarianneProtocol

/// The client's own version, reported in errors and `mzt --version`.
public enum MarianneClientInfo {
    public static let version = marianneVersion
}
