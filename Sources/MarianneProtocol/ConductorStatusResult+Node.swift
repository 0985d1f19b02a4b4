import Foundation

extension ConductorStatusResult {
    /// A conductor's status read straight from its parsed object, as `Decodable` reads it
    /// (see `JobSummary.init(node:path:)`); the rate limits and model slots, present only
    /// while there are some, go through the containers.
    init(node: ResponseDecoder.Node, path: [any CodingKey]) throws {
        var fields = try ResponseDecoder.FieldReader(object: node, path: path, of: ConductorStatusResult.self)
        typealias Key = CodingKeys
        // In the order the wire's sorted keys put them.
        home = try fields.required(Key.home, ResponseDecoder.string)
        httpURL = try fields.optional(Key.httpURL, ResponseDecoder.string)
        jobsByStatus = try fields.required(Key.jobsByStatus, ResponseDecoder.integers)
        maxConcurrentJobs = try fields.required(Key.maxConcurrentJobs, ResponseDecoder.integer)
        modelSlots = try fields.optional(Key.modelSlots) { try ResponseDecoder.decodeValue([ModelSlotUsage].self, from: $0, path: $1) }
        modules = try fields.required(Key.modules, ResponseDecoder.strings)
        pid = try fields.required(Key.pid, ResponseDecoder.integer)
        problems = try fields.optional(Key.problems, ResponseDecoder.strings)
        rateLimits = try fields.optional(Key.rateLimits) { try ResponseDecoder.decodeValue([InstrumentRateLimit].self, from: $0, path: $1) }
        recoveredJobs = try fields.required(Key.recoveredJobs, ResponseDecoder.integer)
        rssBytes = try fields.required(Key.rssBytes, ResponseDecoder.integer)
        runningJobs = try fields.required(Key.runningJobs, ResponseDecoder.strings)
        slurm = try fields.optional(Key.slurm) { try SlurmReachability(node: $0, path: $1) }
        uptime = try fields.required(Key.uptime, ResponseDecoder.string)
        uptimeSeconds = try fields.required(Key.uptimeSeconds, ResponseDecoder.floating)
        version = try fields.required(Key.version, ResponseDecoder.string)
    }
}

extension SlurmReachability {
    /// What a conductor's status says of Slurm, read as `Decodable` reads it.
    init(node: ResponseDecoder.Node, path: [any CodingKey]) throws {
        var fields = try ResponseDecoder.FieldReader(object: node, path: path, of: SlurmReachability.self)
        typealias Key = CodingKeys
        ageSeconds = try fields.optional(Key.ageSeconds, ResponseDecoder.floating)
        clusterAnswers = try fields.required(Key.clusterAnswers, ResponseDecoder.bool)
        followedJobs = try fields.required(Key.followedJobs, ResponseDecoder.integer)
        message = try fields.required(Key.message, ResponseDecoder.string)
        sbatch = try fields.optional(Key.sbatch, ResponseDecoder.string)
    }
}
