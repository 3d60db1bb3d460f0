import Foundation

/// A process-wide cache of oneDNN plans (primitives with their layouts and buffers), one per key,
/// made on first use by `make`. Thread-safe: lookups hold a lock.
final class PlanCache<Key: Hashable, Plan>: @unchecked Sendable {
    private var plans: [Key: Plan] = [:]
    private let lock = NSLock()
    private let make: (Key) -> Plan

    init(_ make: @escaping (Key) -> Plan) { self.make = make }

    /// The plan for `key`, made now if there is none yet.
    func plan(_ key: Key) -> Plan {
        lock.lock(); defer { lock.unlock() }
        if let p = plans[key] { return p }
        let p = make(key)
        plans[key] = p
        return p
    }
}
