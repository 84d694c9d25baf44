import Testing

@testable import Daemon

/// Which requests a reader may make: every GET, and the one POST that writes nothing (checking an
/// audit pack, whose body is too large for a query), and no other POST (adding evidence is a write).
@Suite struct ReadOnlyRouteTests {
    @Test func aReaderMayVerifyAPackButNotAddEvidence() {
        #expect(AccessPolicy.isRead("GET", path: "/v1/reports?entity=acme"))
        #expect(AccessPolicy.isRead("POST", path: "/v1/reports/verify"))
        #expect(AccessPolicy.isRead("POST", path: "/v1/reports/verify?x=1"))
        #expect(!AccessPolicy.isRead("POST", path: "/v1/reports/verify/x"))
        #expect(!AccessPolicy.isRead("POST", path: "/v1/obligations/1/evidence"))
        #expect(!AccessPolicy.isRead("POST", path: "/v1/obligations/1/done"))
        #expect(!AccessPolicy.isRead("DELETE", path: "/v1/reports/verify"))
    }
}
