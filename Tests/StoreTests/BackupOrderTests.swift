import Testing

@testable import Store

/// `--keep` removes the oldest backups by their names' time: three taken in one second are
/// `…Z.sqlite`, `…Z-2.sqlite`, `…Z-3.sqlite`, and the first of them is the oldest (plain name order
/// put `-2` first, and `--keep 2` removed it instead).
struct BackupOrderTests {
    @Test func backupsInOneSecondSortAfterTheFirstAndBeforeTheNextSecond() {
        let names = [
            "obligd-2026-11-25T055349Z-3.sqlite", "obligd-2026-11-25T055350Z.sqlite", "obligd-2026-11-25T055349Z.sqlite",
            "obligd-2026-11-25T055349Z-10.sqlite", "obligd-2026-11-25T055349Z-2.sqlite", "obligd-2026-11-24T235959Z.sqlite"
        ]
        let sorted = names.sorted { ObligationStore.backupOrder($0) < ObligationStore.backupOrder($1) }
        #expect(
            sorted == [
                "obligd-2026-11-24T235959Z.sqlite", "obligd-2026-11-25T055349Z.sqlite", "obligd-2026-11-25T055349Z-2.sqlite",
                "obligd-2026-11-25T055349Z-3.sqlite", "obligd-2026-11-25T055349Z-10.sqlite", "obligd-2026-11-25T055350Z.sqlite"
            ])
    }
}
