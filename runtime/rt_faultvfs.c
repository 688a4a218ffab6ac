/* rt_faultvfs.c: an SQLite VFS that fails writes after a byte budget (see rt_faultvfs.h). It
 * wraps the default VFS: every file is the default VFS's file placed right after a small header,
 * and every method but xWrite passes through. */
#include "rt_faultvfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct fault_file {
    sqlite3_file base;      /* must be first: SQLite sees this */
    sqlite3_file *real;     /* the default VFS's file, right after this struct */
} fault_file;

static sqlite3_vfs g_vfs;
static sqlite3_vfs *g_real;
static sqlite3_io_methods g_io;
static long long g_left;    /* bytes still allowed */
static int g_state;         /* 0 not looked at, 1 off, 2 registered */

#define REAL(f) (((fault_file *)(f))->real)

static int f_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off) { return REAL(f)->pMethods->xRead(REAL(f), p, n, off); }
/* The one method that differs: past the budget, the disk is full. */
static int f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off) {
    if (g_left < n) {
        g_left = 0;
        return SQLITE_FULL;
    }
    g_left -= n;
    return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int f_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int f_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int f_check(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int f_control(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int f_caps(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int f_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp) {
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags); }
static void f_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int f_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }

/* Opens the default VFS's file behind our header. */
static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out) {
    (void)vfs;
    fault_file *ff = (fault_file *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    int rc = g_real->xOpen(g_real, name, ff->real, flags, out);
    f->pMethods = rc == SQLITE_OK && ff->real->pMethods ? &g_io : NULL;
    return rc;
}

static int f_delete(sqlite3_vfs *v, const char *n, int sync) { (void)v; return g_real->xDelete(g_real, n, sync); }
static int f_access(sqlite3_vfs *v, const char *n, int flags, int *out) { (void)v; return g_real->xAccess(g_real, n, flags, out); }
static int f_fullname(sqlite3_vfs *v, const char *n, int len, char *out) { (void)v; return g_real->xFullPathname(g_real, n, len, out); }

const char *rt_fault_vfs(void) {
    if (g_state == 0) {
        const char *v = getenv("SLUICE_FAULT_STATE_WRITE_LIMIT");
        g_state = 1;
        if (v && *v && (g_real = sqlite3_vfs_find(NULL))) {
            g_left = atoll(v);
            g_vfs = *g_real;
            g_vfs.zName = "sluice-faulty";
            g_vfs.szOsFile = (int)sizeof(fault_file) + g_real->szOsFile;
            g_vfs.xOpen = f_open;
            g_vfs.xDelete = f_delete;
            g_vfs.xAccess = f_access;
            g_vfs.xFullPathname = f_fullname;
            g_vfs.pNext = NULL;
            g_io = (sqlite3_io_methods){3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock,
                                        f_check, f_control, f_sector, f_caps, f_shm_map, f_shm_lock, f_shm_barrier,
                                        f_shm_unmap, NULL, NULL};
            if (sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK) g_state = 2;
        }
    }
    return g_state == 2 ? "sluice-faulty" : NULL;
}
