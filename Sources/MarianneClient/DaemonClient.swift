import MarianneProtocol

/// Placeholder until the client lands.
public enum MarianneClientInfo {
    public static let version = marianneVersion
}
