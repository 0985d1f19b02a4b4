import Logging
import MarianneProtocol

/// What the conductor hands to the job side when it starts.
public struct ConductorEnvironment: Sendable {
    public var home: ConductorHome
    public var settings: ConductorSettings
    public var logger: Logger

    public init(home: ConductorHome, settings: ConductorSettings, logger: Logger) {
        self.home = home
        self.settings = settings
        self.logger = logger
    }
}
