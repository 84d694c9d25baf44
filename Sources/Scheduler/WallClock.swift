import CLinux
import DeadlineKit
import Foundation
import Synchronization

/// The real clock: a `timerfd` armed at an absolute wall-clock instant with TFD_TIMER_CANCEL_ON_SET,
/// so a sleep costs no wake-ups however long it is, ends when the wall clock reaches the instant even
/// if the clock jumped, and reports jumps; plus an `eventfd` to wake it early.
package final class WallClock: SchedulerClock {
    private let timerFD: Int32
    private let eventFD: Int32
    private let waiting = Mutex(false)

    /// Creates the timerfd and eventfd; throws the errno when the kernel refuses (out of descriptors).
    package init() throws {
        timerFD = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC))
        eventFD = eventfd(0, Int32(EFD_CLOEXEC))
        guard timerFD >= 0, eventFD >= 0 else {
            throw POSIXError(.init(rawValue: obligd_errno()) ?? .EIO)
        }
    }

    deinit {
        close(timerFD)
        close(eventFD)
    }

    /// The wall clock, whole seconds since the epoch (rounded down).
    package func now() -> Instant { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down))) }

    /// Ends the current sleep with `.woken`; a wake with no sleep pending ends the next one at once.
    package func wake() {
        var one: UInt64 = 1
        _ = write(eventFD, &one, 8)
    }

    /// Sleeps until `deadline` (nil: until a clock change, a wake or cancellation), on a thread of its
    /// own so the cooperative pool is never blocked.
    package func sleep(until deadline: Instant?) async -> WakeReason {
        // Far in the future when idle: the timer still reports clock changes.
        let target = deadline?.secondsSinceEpoch ?? (Int64(Date().timeIntervalSince1970) + 10 * 365 * 86_400)
        var spec = itimerspec()
        spec.it_value.tv_sec = time_t(max(target, 1))
        guard timerfd_settime(timerFD, obligd_tfd_abstime_cancel_on_set(), &spec, nil) == 0 else {
            return obligd_errno() == ECANCELED ? .clockChanged : .deadline
        }
        let timer = timerFD, event = eventFD
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WakeReason, Never>) in
                // A dedicated thread blocks in poll(2); the cooperative pool is never blocked.
                let thread = Thread {
                    continuation.resume(returning: WallClock.block(timer: timer, event: event))
                }
                thread.start()
            }
        } onCancel: {
            self.wake()
        }
    }

    private static func block(timer: Int32, event: Int32) -> WakeReason {
        var fds = [pollfd(fd: timer, events: Int16(POLLIN), revents: 0), pollfd(fd: event, events: Int16(POLLIN), revents: 0)]
        while true {
            let n = poll(&fds, 2, -1)
            if n < 0 && obligd_errno() == EINTR { continue }
            break
        }
        var value: UInt64 = 0
        if fds[1].revents & Int16(POLLIN) != 0 {
            _ = read(event, &value, 8)
            if Task.isCancelled { return .cancelled }
            return .woken
        }
        if read(timer, &value, 8) < 0 && obligd_errno() == ECANCELED { return .clockChanged }
        return .deadline
    }
}
