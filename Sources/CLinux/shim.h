#include <sys/timerfd.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <errno.h>
#include <unistd.h>
#include <time.h>
#include <malloc.h>

/* TFD_TIMER_CANCEL_ON_SET is a macro Swift may not import. */
static inline int obligd_tfd_abstime_cancel_on_set(void) { return TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET; }
static inline int obligd_errno(void) { return errno; }
