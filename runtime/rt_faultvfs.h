/* rt_faultvfs.h: a full disk, on demand, for the tests (tests/state/run_disk_full.py).
 *
 * SLUICE_FAULT_STATE_WRITE_LIMIT=N makes every job state database of the process fail its
 * writes with SQLITE_FULL ("database or disk is full") once N bytes have been written to its
 * files (database, WAL, journal), as a disk that fills up would; the job must stop cleanly
 * with its last checkpoint intact, and a restart without the variable resumes from it. */
#ifndef RT_FAULTVFS_H
#define RT_FAULTVFS_H

/* The name of the faulty SQLite VFS to open state databases with, registered on first use, or
 * NULL when the variable is unset. */
const char *rt_fault_vfs(void);

#endif
