import APIModel
import Foundation
import Hummingbird
import Store

/// `POST /v1/backup`: an online, verified copy of the database (writers only, as every POST).
extension APIServer {
    func addBackupRoute(to router: Router<BasicRequestContext>) {
        router.post("/v1/backup") { req, _ in
            await self.handle {
                let data = Data(try await req.body.collect(upTo: 1 << 16).readableBytesView)
                let body = data.isEmpty ? BackupBody() : try RequestBody.decode(BackupBody.self, from: data)
                if let keep = body.keep, keep < 1 {
                    throw StoreError.invalid(field: "keep", problem: "\(keep) would keep no backup", fix: "keep at least 1")
                }
                if body.path != nil, body.keep != nil {
                    throw StoreError.invalid(
                        field: "keep", problem: "applies only to the default backup directory", fix: "give a path or keep, not both")
                }
                let (report, removed) =
                    if let path = body.path {
                        (try await self.store.backup(to: path), [String]())
                    } else {
                        try await self.store.backup(
                            now: Date(timeIntervalSince1970: TimeInterval(self.clock().secondsSinceEpoch)), keep: body.keep)
                    }
                return BackupView(
                    path: report.path, bytes: report.bytes, auditRows: report.auditRows, lastHash: report.lastHash,
                    obligations: report.obligations, removed: removed)
            }
        }
    }
}
