import Foundation
import TestSupport
import Testing

/// `obligctl calendar import-notice` against a running obligd: it lists the open deadlines the notice
/// moves, writes the file into the directory obligd reads, leaves the reload to the operator, and the
/// reload then moves exactly those.
@Suite(.serialized) struct ImportNoticeEndToEndTests {
    /// An INVENTED 2027 notice (the real one was not available when this was written); its weekdays and
    /// lunar dates are right. Spring Festival runs February 5-12, with Saturday February 20 worked.
    static let invented2027 = """
        国务院办公厅关于2027年部分节假日安排的通知
        （obligd 测试用的虚构通知 / invented for obligd's tests, NOT the real 2027 notice）
        一、元旦：1月1日（周五）至3日（周日）放假，共3天。
        二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
        国务院办公厅
        2026年11月1日
        """

    @Test func theDeadlinesThatMoveAreListedAndTheReloadMovesThem() async throws {
        let config = try makeTemporaryDirectory("obligd-notice-config")
        let d = try DaemonProcess(configDirectory: config.path)
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "Acme"], socket: socket).status == 0)
        // 4 working days from 2027-02-02 fall before the estimated Spring Festival (02-05..02-08);
        // under the notice the 5th is 2027-02-16. The other one keeps 2027-01-11.
        let add = { (title: String, start: String, period: String) in
            try obligctl(["obligation", "add", "acme", "--title", title, "--start", start, "--period", period], socket: socket)
        }
        #expect(try add("Moves", "2027-02-01", "+5wd").stdout.contains("due 2027-02-10"))
        #expect(try add("Stays", "2026-12-25", "+10wd").stdout.contains("due 2027-01-11"))
        let notice = config.appendingPathComponent("notice.txt").path
        try Data(Self.invented2027.utf8).write(to: URL(fileURLWithPath: notice))

        let r = try obligctl(["calendar", "import-notice", "--config", config.path, notice], socket: socket)
        #expect(r.status == 0, "\(r)")
        for line in [
            "Open deadlines, as obligd has them:", "  2 rest on the 2027 calendar; 1 would move:",
            "    #1 acme Moves: 2027-02-10 -> 2027-02-16", "  1 keep their due day and are no longer provisional"
        ] {
            #expect(r.stdout.contains(line + "\n"), "missing: \(line)\n\(r.stdout)")
        }
        #expect(!r.stdout.contains("Note: obligd"), "the file is where obligd reads: \(r.stdout)")
        // Not reloaded: obligd still has the estimate.
        let before = try obligctl(["list"], socket: socket).stdout
        #expect(before.contains("2027-02-10 Wed (prov.)"), "\(before)")

        let reload = try obligctl(["reload"], socket: socket)
        #expect(reload.stdout.contains("1 moved, 1 confirmed"), "\(reload)")
        let after = try obligctl(["list"], socket: socket).stdout
        #expect(after.contains("2027-02-16 Tue ") && after.contains("2027-01-11 Mon ") && !after.contains("(prov.)"), "\(after)")

        let again = try obligctl(["calendar", "import-notice", "--config", config.path, notice], socket: socket)
        #expect(again.status == 0 && again.stdout.contains("  obligd runs on this calendar already\n"), "\(again)")

        // Written where obligd does not read, the file is flagged.
        let elsewhere = try makeTemporaryDirectory("obligd-notice-elsewhere")
        let other = try obligctl(["calendar", "import-notice", "--config", elsewhere.path, "--dry-run", notice], socket: socket)
        #expect(other.stdout.contains("Note: obligd reads its configuration from \(config.path); it will not load"), "\(other)")
    }
}
