/* rt_crash.h: crash points for the crash tests (tests/state/run_crash.py).
 *
 * SLUICE_CRASH_AT='name[:n]' makes the process kill itself with SIGKILL when it reaches the
 * crash point `name` for the n-th time (default: the first), so a test can stop a job exactly
 * before or after each step of the checkpoint and delivery sequence. The points:
 *   checkpoint.before-state   operators about to write state into the transaction (C3)
 *   checkpoint.before-commit  all written, COMMIT not yet issued (before C4)
 *   checkpoint.after-commit   committed, nothing of the epoch produced yet (after C4)
 *   deliver.mid               half of an epoch's outbox records produced (during C5)
 *   deliver.after-produce     all produced, none acknowledged for sure (after C5)
 *   prepare.after-ack         acknowledged, not yet deleted from the outbox (C1 done, C2 not)
 *   recover.after-scan        recovery read the output, produced nothing yet (R1 done)
 *   recover.mid               recovery produced half of what was missing (during R2)
 *   recover.before-commit     recovery delivered everything, not yet committed (before R3)
 * Unset, a crash point costs one comparison. */
#ifndef RT_CRASH_H
#define RT_CRASH_H

void rt_crash_point(const char *name);

#endif
