/*
** perf_reader.c — streaming, bounded-memory reader of perf.data files.
**
**  1. Input: a regular file (or a memory buffer) in perf's file mode
**     ("PERFILE2" header, attrs section, data section, feature sections) or
**     pipe mode (16-byte header, metadata as HEADER_ATTR / HEADER_TRACING_DATA
**     records in the stream). Byte-swapped magic (a file from an other-endian
**     host) is refused with a clear message; v1 "PERFFILE" is refused too.
**  2. Output: tracepoint samples (PERF_RECORD_SAMPLE) in timestamp order,
**     each decoded generically from its attr's sample_type, its raw payload
**     decoded BY FIELD NAME using the formats of the HEADER_TRACING_DATA
**     section parsed by libtraceevent. COMM/FORK records maintain the tid ->
**     comm map used for each sample's comm; LOST records are counted.
**  3. Ordering: perf's own rule (ordered_events, OE_FLUSH__ROUND): records are
**     queued; at each FINISHED_ROUND those with ts <= the maximum ts seen at
**     the previous round are sorted and delivered. If the queue exceeds
**     PERF_QUEUE_MAX bytes, the older half is delivered (as perf does).
**     Memory is bounded by that cap plus one read window (4 MiB) plus the
**     tracing-data section (<= 64 MiB, refused beyond) — never the file size.
**  4. Errors: every structural problem (truncation, bad magic, a size that
**     points outside its section or record) is one line
**     "<path>: byte offset N: <what>" and the reader stops; no partial
**     results are ever presented as complete (the loader rolls back).
**  5. Complexity: O(n log q) for n records, q = records per round.
*/
#include "perf_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perfsql.h"

#define PERF_MAGIC2 0x32454c4946524550ULL   /* "PERFILE2" little-endian */
#define PERF_MAGIC2_SWAPPED 0x50455246494c4532ULL
#define PERF_MAGIC1 0x454c494646524550ULL   /* "PERFFILE" */
#define PERF_WINDOW (4u << 20)
#define PERF_QUEUE_MAX (64u << 20)
#define PERF_TRACING_MAX (64u << 20)

/* sample_type bits (include/uapi/linux/perf_event.h) */
#define S_IP (1u << 0)
#define S_TID (1u << 1)
#define S_TIME (1u << 2)
#define S_ADDR (1u << 3)
#define S_READ (1u << 4)
#define S_CALLCHAIN (1u << 5)
#define S_ID (1u << 6)
#define S_CPU (1u << 7)
#define S_PERIOD (1u << 8)
#define S_STREAM_ID (1u << 9)
#define S_RAW (1u << 10)
#define S_IDENTIFIER (1u << 16)
/* read_format bits */
#define RF_TOTAL_TIME_ENABLED 1
#define RF_TOTAL_TIME_RUNNING 2
#define RF_ID 4
#define RF_GROUP 8
#define RF_LOST 16

enum {
  REC_MMAP = 1, REC_LOST = 2, REC_COMM = 3, REC_EXIT = 4, REC_FORK = 7, REC_SAMPLE = 9,
  REC_LOST_SAMPLES = 13,
  REC_HEADER_ATTR = 64, REC_HEADER_EVENT_TYPE = 65, REC_HEADER_TRACING_DATA = 66,
  REC_FINISHED_ROUND = 68, REC_HEADER_FEATURE = 80
};

typedef struct FieldDesc {
  const char *name;
  char *json_key;                   /* "name": (rendered once) */
  int json_key_len;
  int offset, size, elem_size, arraylen;
  unsigned long flags;
  int kind;
} FieldDesc;

typedef struct EventDesc {          /* per tracepoint format, built once */
  struct tep_event *tev;
  int nfield;
  FieldDesc *fields;
  struct EventDesc *next;
} EventDesc;

typedef struct Attr {
  uint32_t type;
  uint64_t config, sample_type, read_format;
  int sample_id_all;
  EventDesc *desc;                  /* tracepoints, once tracing data is known */
  char name[64];                    /* non-tracepoints: "type:config" */
} Attr;

typedef struct IdAttr { uint64_t id; int attr; } IdAttr;

typedef struct Queued {
  uint64_t ts, seq, file_off;
  size_t arena_off;
  uint32_t len;
  int attr;                          /* SAMPLE: index of its attr, else -1 */
} Queued;

typedef struct CommSlot { int tid; int used; char comm[32]; } CommSlot;

struct PerfReader {
  char *label;
  int fd;
  const unsigned char *mem;          /* memory mode */
  uint64_t size;                     /* file size */
  unsigned char *win;                /* read window (file mode) */
  uint64_t win_off;
  size_t win_len;
  /* layout */
  uint64_t data_off, data_end;       /* data section (pipe: header..EOF) */
  uint64_t pos;                      /* next record offset */
  int eof;
  /* attrs */
  Attr *attrs;
  int nattr;
  IdAttr *ids;
  int nids, ids_sorted;
  uint64_t sample_type0;             /* of attr 0: positions of id/time */
  /* libtraceevent */
  struct tep_handle *tep;
  int have_tracing;
  EventDesc *descs;
  /* ordering */
  Queued *q;
  size_t nq, capq, qdeliver, qdelivered;
  Queued *qtmp;                      /* q_sort's buffer: capq / 2 + 1 entries */
  size_t qtmp_cap;
  unsigned char *arena;
  size_t arena_len, arena_cap;
  uint64_t seq, max_ts, next_flush, last_delivered_ts;
  /* threads */
  CommSlot *comms;
  size_t ncomm, capcomm;
  /* current event */
  PerfField *fields;
  int capfields;
  PerfsqlBuf strings;                 /* NUL-terminated copies of string fields */
  char comm_buf[40];
  char name_buf[64];
  /* losses: per-cpu last delivered sample ts, and the ranges */
  uint64_t *cpu_last;
  int ncpu_last;
  uint64_t first_sample_ts;
  PerfLost *lost;
  size_t nlost, caplost;
  /* stream mode (a pipe): forward-only window, size unknown until EOF */
  int stream;
  PerfReaderStats st;
  char *err;
};

/* libtraceevent 1.7 leaks a few bytes when a format's print fmt does not parse
** (e.g. kvm_inj_exception on 6.x kernels); not ours to fix, so LeakSanitizer is
** told to ignore allocations made inside it. Weak: another file may define it. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PERFSQL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(PERFSQL_ASAN)
/* Only in sanitizer builds: release binaries carry no sanitizer hooks. */
__attribute__((weak, used)) const char *__lsan_default_suppressions(void) {
  return "leak:libtraceevent.so\n";
}
__attribute__((weak, used)) const char *__lsan_default_options(void) { return "print_suppressions=0"; }
#endif

/* ---- errors ---------------------------------------------------------------- */

static int fail(PerfReader *r, uint64_t off, const char *fmt, ...) {
  if (r->err) return -1;
  va_list ap;
  va_start(ap, fmt);
  char *what = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  r->err = sqlite3_mprintf("%s: byte offset %llu: %s", r->label, (unsigned long long)off,
                           what ? what : "out of memory");
  sqlite3_free(what);
  return -1;
}

/* ---- byte access ------------------------------------------------------------ */

/* Stream mode: the window only moves forward. Keeps the bytes from off on, reads
** more until n bytes are there; at end of input r->size becomes the stream length. */
static const unsigned char *stream_at(PerfReader *r, uint64_t off, size_t n, const char *what) {
  if (off < r->win_off) {
    fail(r, off, "internal: %s at an offset already consumed from the stream", what);
    return NULL;
  }
  if (n > PERF_WINDOW) {
    fail(r, off, "%s of %llu bytes is larger than the %u-byte read window", what, (unsigned long long)n, PERF_WINDOW);
    return NULL;
  }
  uint64_t have_end = r->win_off + r->win_len;
  size_t keep = off < have_end ? (size_t)(have_end - off) : 0;
  if (keep && off > r->win_off) memmove(r->win, r->win + (off - r->win_off), keep);
  /* bytes between have_end and off (skipped payload) are read and dropped */
  uint64_t skip = off > have_end ? off - have_end : 0;
  r->win_off = off;
  r->win_len = keep;
  while (skip > 0 || r->win_len < n) {
    unsigned char *dst = skip ? r->win : r->win + r->win_len;
    size_t room = skip ? (skip < PERF_WINDOW ? (size_t)skip : PERF_WINDOW) : PERF_WINDOW - r->win_len;
    ssize_t k = read(r->fd, dst, room);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      fail(r, off + r->win_len, "read error: %s", strerror(errno));
      return NULL;
    }
    if (k == 0) {
      r->size = off + r->win_len;
      fail(r, off, "file truncated: %s needs %llu bytes, file has %llu", what, (unsigned long long)n,
           (unsigned long long)r->win_len);
      return NULL;
    }
    if (skip) skip -= (uint64_t)k;
    else r->win_len += (size_t)k;
  }
  return r->win;
}

/* Stream mode: 1 when the input ends exactly at off. */
static int stream_eof_at(PerfReader *r, uint64_t off) {
  if (!r->stream) return off >= r->size;
  if (off < r->win_off + r->win_len) return 0;
  if (stream_at(r, off, 1, "record header")) return 0;
  if (r->size == off) {  /* clean end of input: not an error */
    sqlite3_free(r->err);
    r->err = NULL;
    return 1;
  }
  return 0;
}

/* Returns a pointer to n bytes at off (valid until the next call), or NULL
** with r->err set when the file ends first. */
static const unsigned char *at(PerfReader *r, uint64_t off, size_t n, const char *what) {
  if (off > r->size || n > r->size - off) {
    fail(r, off, "file truncated: %s needs %llu bytes, file has %llu", what, (unsigned long long)n,
         (unsigned long long)(r->size > off ? r->size - off : 0));
    return NULL;
  }
  if (r->mem) return r->mem + off;
  if (off >= r->win_off && off + n <= r->win_off + r->win_len) return r->win + (off - r->win_off);
  if (r->stream) return stream_at(r, off, n, what);
  size_t want = n > PERF_WINDOW ? n : PERF_WINDOW;
  if (want > r->size - off) want = (size_t)(r->size - off);
  if (want > PERF_WINDOW) {
    fail(r, off, "%s of %llu bytes is larger than the %u-byte read window", what, (unsigned long long)n, PERF_WINDOW);
    return NULL;
  }
  size_t got = 0;
  while (got < want) {
    ssize_t k = pread(r->fd, r->win + got, want - got, (off_t)(off + got));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      fail(r, off + got, "read error: %s", k < 0 ? strerror(errno) : "unexpected end of file");
      return NULL;
    }
    got += (size_t)k;
  }
  r->win_off = off;
  r->win_len = got;
  return r->win;
}

static uint64_t rd64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t rd32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t rd16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* Copies n bytes at off into a new sqlite3_malloc64 buffer (+1 NUL). */
static unsigned char *copy_out(PerfReader *r, uint64_t off, uint64_t n, const char *what) {
  if (n > PERF_TRACING_MAX) {
    fail(r, off, "%s of %llu bytes exceeds the %u-byte limit", what, (unsigned long long)n,
         PERF_TRACING_MAX);
    return NULL;
  }
  if (!r->stream && (off > r->size || n > r->size - off)) {
    fail(r, off, "file truncated: %s needs %llu bytes, file has %llu", what, (unsigned long long)n,
         (unsigned long long)(r->size > off ? r->size - off : 0));
    return NULL;
  }
  unsigned char *buf = sqlite3_malloc64(n + 1);
  if (!buf) { fail(r, off, "out of memory"); return NULL; }
  if (r->mem) {
    memcpy(buf, r->mem + off, (size_t)n);
  } else if (r->stream) {
    for (uint64_t got = 0; got < n;) {
      size_t chunk = n - got > PERF_WINDOW ? PERF_WINDOW : (size_t)(n - got);
      const unsigned char *q = at(r, off + got, chunk, what);
      if (!q) { sqlite3_free(buf); return NULL; }
      memcpy(buf + got, q, chunk);
      got += chunk;
    }
  } else {
    uint64_t got = 0;
    while (got < n) {
      ssize_t k = pread(r->fd, buf + got, (size_t)(n - got), (off_t)(off + got));
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        sqlite3_free(buf);
        fail(r, off + got, "read error: %s", k < 0 ? strerror(errno) : "unexpected end of file");
        return NULL;
      }
      got += (uint64_t)k;
    }
  }
  buf[n] = 0;
  return buf;
}

/* ---- comm map (tid -> comm), open addressing --------------------------------- */

static CommSlot *comm_slot(PerfReader *r, int tid, int create) {
  if (r->capcomm == 0) {
    if (!create) return NULL;
    r->capcomm = 1024;
    r->comms = sqlite3_malloc64(r->capcomm * sizeof(CommSlot));
    if (!r->comms) return NULL;
    memset(r->comms, 0, r->capcomm * sizeof(CommSlot));
  }
  size_t mask = r->capcomm - 1, h = ((uint32_t)tid * 2654435761u) & mask;
  while (r->comms[h].used) {
    if (r->comms[h].tid == tid) return &r->comms[h];
    h = (h + 1) & mask;
  }
  if (!create) return NULL;
  if ((r->ncomm + 1) * 2 > r->capcomm) {   /* grow, rehash */
    CommSlot *old = r->comms;
    size_t oldcap = r->capcomm;
    r->capcomm *= 2;
    r->comms = sqlite3_malloc64(r->capcomm * sizeof(CommSlot));
    if (!r->comms) { r->comms = old; r->capcomm = oldcap; return NULL; }
    memset(r->comms, 0, r->capcomm * sizeof(CommSlot));
    r->ncomm = 0;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].used) *comm_slot(r, old[i].tid, 1) = old[i];
    sqlite3_free(old);
    return comm_slot(r, tid, 1);
  }
  r->comms[h].used = 1;
  r->comms[h].tid = tid;
  r->comms[h].comm[0] = 0;
  r->ncomm++;
  return &r->comms[h];
}

static void comm_set(PerfReader *r, int tid, const char *comm, size_t maxlen) {
  CommSlot *s = comm_slot(r, tid, 1);
  if (!s) return;
  size_t n = strnlen(comm, maxlen);
  if (n >= sizeof s->comm) n = sizeof s->comm - 1;
  memcpy(s->comm, comm, n);
  s->comm[n] = 0;
}

/* ---- attrs ------------------------------------------------------------------ */

static int ids_cmp(const void *a, const void *b) {
  uint64_t x = ((const IdAttr *)a)->id, y = ((const IdAttr *)b)->id;
  return x < y ? -1 : x > y;
}

/* perf's names of the generic hardware (type 0) and software (type 1) events, as
** `perf script` prints them for an event recorded without modifiers; other
** types get their name from the EVENT_DESC feature, else none (refused). */
static void generic_event_name(Attr *a) {
  static const char *const hw[] = {"cycles", "instructions", "cache-references", "cache-misses", "branches",
                                   "branch-misses", "bus-cycles", "stalled-cycles-frontend",
                                   "stalled-cycles-backend", "ref-cycles"};
  static const char *const sw[] = {"cpu-clock", "task-clock", "page-faults", "context-switches",
                                   "cpu-migrations", "minor-faults", "major-faults", "alignment-faults",
                                   "emulation-faults", "dummy", "bpf-output", "cgroup-switches"};
  a->name[0] = 0;
  if (a->type == 0 && a->config < sizeof hw / sizeof hw[0]) snprintf(a->name, sizeof a->name, "%s", hw[a->config]);
  if (a->type == 1 && a->config < sizeof sw / sizeof sw[0]) snprintf(a->name, sizeof a->name, "%s", sw[a->config]);
}

/* HEADER_EVENT_DESC: u32 nr, u32 attr_size, then per event: attr, u32 nr_ids,
** perf_header_string name (u32 len + bytes), u64 ids[nr_ids]. Names the attrs
** (in the order of the attrs section) as perf script prints them. */
static void parse_event_desc(PerfReader *r, const unsigned char *p, uint64_t n) {
  if (n < 8) return;
  uint32_t nr = rd32(p), asz = rd32(p + 4);
  uint64_t o = 8;
  for (uint32_t i = 0; i < nr && (int)i < r->nattr; i++) {
    if (o + asz + 8 > n) return;
    o += asz;
    uint32_t nids = rd32(p + o), len = rd32(p + o + 4);
    o += 8;
    if (len > n - o) return;
    if (r->attrs[i].type != 2) {
      size_t k = strnlen((const char *)p + o, len);
      if (k >= sizeof r->attrs[i].name) k = sizeof r->attrs[i].name - 1;
      memcpy(r->attrs[i].name, p + o, k);
      r->attrs[i].name[k] = 0;
    }
    o += len;
    if ((uint64_t)nids * 8 > n - o) return;
    o += (uint64_t)nids * 8;
  }
}

/* Parses one perf_event_attr of attr_size bytes at p (file offset off). */
static int add_attr(PerfReader *r, const unsigned char *p, uint64_t attr_size, uint64_t off) {
  if (attr_size < 64) return fail(r, off, "perf_event_attr size %llu is below the minimum 64",
                                  (unsigned long long)attr_size);
  if (r->nattr >= 65536) return fail(r, off, "more than 65536 attrs");
  Attr *na = sqlite3_realloc64(r->attrs, (uint64_t)(r->nattr + 1) * sizeof(Attr));
  if (!na) return fail(r, off, "out of memory");
  r->attrs = na;
  Attr *a = &r->attrs[r->nattr];
  memset(a, 0, sizeof *a);
  a->type = rd32(p);
  a->config = rd64(p + 8);
  a->sample_type = rd64(p + 24);
  a->read_format = rd64(p + 32);
  a->sample_id_all = (int)((rd64(p + 40) >> 18) & 1);
  generic_event_name(a);
  if (r->nattr == 0) r->sample_type0 = a->sample_type;
  r->nattr++;
  r->st.nr_attrs = r->nattr;
  return 0;
}

static int add_id(PerfReader *r, uint64_t id, int attr, uint64_t off) {
  if (r->nids % 256 == 0) {
    IdAttr *n = sqlite3_realloc64(r->ids, (uint64_t)(r->nids + 256) * sizeof(IdAttr));
    if (!n) return fail(r, off, "out of memory");
    r->ids = n;
  }
  r->ids[r->nids].id = id;
  r->ids[r->nids].attr = attr;
  r->nids++;
  r->ids_sorted = 0;
  return 0;
}

static int attr_of_id(PerfReader *r, uint64_t id) {
  if (r->nattr == 1) return 0;
  if (!r->ids_sorted) {
    if (r->nids > 1) qsort(r->ids, (size_t)r->nids, sizeof(IdAttr), ids_cmp);
    r->ids_sorted = 1;
  }
  size_t lo = 0, hi = (size_t)r->nids;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (r->ids[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < (size_t)r->nids && r->ids[lo].id == id ? r->ids[lo].attr : -1;
}

/* ---- tracing data (HEADER_TRACING_DATA) --------------------------------------- */

/* Bounded cursor over the tracing-data blob; file offsets for errors. */
typedef struct Cur { const unsigned char *p; uint64_t n, i, base; PerfReader *r; } Cur;

static int cur_need(Cur *c, uint64_t n, const char *what) {
  if (n > c->n - c->i)
    return fail(c->r, c->base + c->i, "tracing data: %s of %llu bytes runs past the section end "
                "(%llu bytes left)", what, (unsigned long long)n, (unsigned long long)(c->n - c->i));
  return 0;
}
static int cur_u32(Cur *c, uint32_t *v, const char *what) {
  if (cur_need(c, 4, what)) return -1;
  *v = rd32(c->p + c->i);
  c->i += 4;
  return 0;
}
static int cur_u64(Cur *c, uint64_t *v, const char *what) {
  if (cur_need(c, 8, what)) return -1;
  *v = rd64(c->p + c->i);
  c->i += 8;
  return 0;
}
static int cur_str(Cur *c, const char **s, const char *what) {
  const unsigned char *e = memchr(c->p + c->i, 0, (size_t)(c->n - c->i));
  if (!e) return fail(c->r, c->base + c->i, "tracing data: %s is not NUL-terminated", what);
  *s = (const char *)(c->p + c->i);
  c->i = (uint64_t)(e - c->p) + 1;
  return 0;
}

/* Strict grammar check of one event format before libtraceevent sees it (its
** parser dereferences NULL on some malformed input, found by fuzzing):
**   "name: IDENT\nID: DIGITS\nformat:\n" then lines that are empty or
**   "\tfield:TEXT;\toffset:DIGITS;\tsize:DIGITS;\tsigned:DIGITS;" up to "print fmt:" or the end.
** TEXT has no ';' and no NUL. Returns the length to hand over (without print fmt), or 0. */
static int is_ident_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* A field declaration: at least two space-separated tokens, each '*'s, or an
** identifier with optional '*'s around it and an optional [digits] suffix
** ("unsigned char common_flags", "char comm[16]", "__data_loc char[] comm", "void * p"). */
static int field_decl_ok(const char *p, size_t n) {
  const char *e = p + n;
  int tokens = 0;
  while (p < e) {
    while (p < e && *p == ' ') p++;
    if (p == e) break;
    const char *t0 = p;
    while (p < e && *p == '*') p++;
    int ident = 0;
    if (p < e && is_ident_char(*p) && !(*p >= '0' && *p <= '9')) {
      while (p < e && is_ident_char(*p)) p++;
      ident = 1;
    }
    while (p < e && *p == '*') p++;
    if (ident && p < e && *p == '[') {
      p++;
      while (p < e && *p >= '0' && *p <= '9') p++;
      if (p == e || *p != ']') return 0;
      p++;
    }
    if (p == t0 || (p < e && *p != ' ')) return 0;
    tokens++;
  }
  return tokens >= 2;
}

static size_t format_prefix_ok(const char *t, size_t n) {
  const char *p = t, *e = t + n;
#define LIT(s) (e - p >= (long)sizeof(s) - 1 && memcmp(p, s, sizeof(s) - 1) == 0 ? (p += sizeof(s) - 1, 1) : 0)
#define WORD(okch) do { const char *w0 = p; while (p < e && (okch)) p++; if (p == w0) return 0; } while (0)
#define DIGITS() WORD(*p >= '0' && *p <= '9')
  if (!LIT("name: ")) return 0;
  WORD((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_');
  if (!LIT("\nID: ")) return 0;
  DIGITS();
  if (!LIT("\nformat:\n")) return 0;
  int fields = 0;
  while (p < e) {
    if (*p == '\n') { p++; continue; }
    if (e - p >= 10 && memcmp(p, "print fmt:", 10) == 0) break;
    if (!LIT("\tfield:")) return 0;
    const char *d0 = p;
    while (p < e && *p != ';' && *p != '\n') p++;
    if (!field_decl_ok(d0, (size_t)(p - d0))) return 0;
    if (!LIT(";\toffset:")) return 0;
    DIGITS();
    if (!LIT(";\tsize:")) return 0;
    DIGITS();
    if (!LIT(";\tsigned:")) return 0;
    DIGITS();
    if (!LIT(";")) return 0;
    if (p < e && *p != '\n') return 0;
    if (++fields > 4096) return 0;
  }
  return (size_t)(p - t);
#undef LIT
#undef WORD
#undef DIGITS
}

/* Parses formats of one system; event parse errors are tolerated as perf does
** (the event keeps its fields; only its print format failed). */
static int parse_formats(Cur *c, const char *sys, uint32_t count) {
  for (uint32_t k = 0; k < count; k++) {
    uint64_t sz;
    if (cur_u64(c, &sz, "event format size") || cur_need(c, sz, "event format")) return -1;
    /* tep_parse_event may write into its buffer: give it a NUL-terminated copy */
    /* Fields are decoded by name; the print format is never used. Replacing
    ** it keeps libtraceevent's print-argument parser (which crashes on some
    ** malformed input, found by fuzzing, and leaks on some real formats) out
    ** of the way; formats that do not follow the kernel's grammar are
    ** skipped (as perf skips formats it cannot parse). */
    size_t len = format_prefix_ok((const char *)c->p + c->i, (size_t)sz);
    if (len == 0 || !*sys) { c->i += sz; continue; }
    static const char no_print[] = "print fmt: \"\"\n";
    char *copy = sqlite3_malloc64(len + sizeof no_print);
    if (!copy) return fail(c->r, c->base + c->i, "out of memory");
    memcpy(copy, c->p + c->i, len);
    memcpy(copy + len, no_print, sizeof no_print);
    len += sizeof no_print - 1;
    tep_parse_event(c->r->tep, copy, (unsigned long)len, sys);
    sqlite3_free(copy);
    c->i += sz;
  }
  return 0;
}

static int parse_tracing_data(PerfReader *r, const unsigned char *p, uint64_t n, uint64_t base) {
  Cur c = {p, n, 0, base, r};
  if (r->have_tracing) return fail(r, base, "second tracing-data section");
  if (cur_need(&c, 10, "magic") ) return -1;
  if (memcmp(p, "\027\010\104tracing", 10) != 0)
    return fail(r, base, "tracing data: bad magic (expected \\027\\010\\104tracing)");
  c.i = 10;
  const char *version = "";
  if (cur_str(&c, &version, "version")) return -1;
  if (cur_need(&c, 2 + 4, "endianness/long size/page size")) return -1;
  int big = p[c.i], long_size = p[c.i + 1];
  uint32_t page_size = rd32(p + c.i + 2);
  c.i += 6;
  if (big) return fail(r, base + c.i - 6, "tracing data is big-endian; only little-endian captures are supported");
  if (long_size != 4 && long_size != 8)
    return fail(r, base + c.i - 5, "tracing data: long size %d is not 4 or 8", long_size);
  tep_set_flag(r->tep, TEP_NSEC_OUTPUT);
  tep_set_file_bigendian(r->tep, TEP_LITTLE_ENDIAN);
  tep_set_local_bigendian(r->tep, TEP_LITTLE_ENDIAN);
  tep_set_long_size(r->tep, long_size);
  tep_set_page_size(r->tep, (int)page_size);
  /* header_page */
  if (cur_need(&c, 12, "header_page tag")) return -1;
  if (memcmp(p + c.i, "header_page\0", 12) != 0)
    return fail(r, base + c.i, "tracing data: expected \"header_page\"");
  c.i += 12;
  uint64_t sz;
  if (cur_u64(&c, &sz, "header_page size") || cur_need(&c, sz, "header_page")) return -1;
  {
    char *copy = sqlite3_malloc64(sz + 1);
    if (!copy) return fail(r, base + c.i, "out of memory");
    memcpy(copy, p + c.i, (size_t)sz);
    copy[sz] = 0;
    if (tep_parse_header_page(r->tep, copy, (unsigned long)sz, long_size) == 0) {
      int hl = tep_get_header_page_size(r->tep);
      if (hl == 4 || hl == 8) tep_set_long_size(r->tep, hl);
    }
    sqlite3_free(copy);
  }
  c.i += sz;
  if (cur_need(&c, 13, "header_event tag")) return -1;
  if (memcmp(p + c.i, "header_event\0", 13) != 0)
    return fail(r, base + c.i, "tracing data: expected \"header_event\"");
  c.i += 13;
  if (cur_u64(&c, &sz, "header_event size") || cur_need(&c, sz, "header_event")) return -1;
  c.i += sz;
  uint32_t count;
  if (cur_u32(&c, &count, "ftrace format count") || parse_formats(&c, "ftrace", count)) return -1;
  uint32_t nsys;
  if (cur_u32(&c, &nsys, "system count")) return -1;
  for (uint32_t s = 0; s < nsys; s++) {
    const char *sys = NULL;
    if (cur_str(&c, &sys, "system name") || cur_u32(&c, &count, "event count") ||
        parse_formats(&c, sys, count))
      return -1;
  }
  /* kallsyms, printk formats and saved cmdlines: sizes checked, content unused
  ** (fields are decoded by name; symbols are not needed). */
  uint32_t ks;
  if (cur_u32(&c, &ks, "kallsyms size") || cur_need(&c, ks, "kallsyms")) return -1;
  c.i += ks;
  if (cur_u32(&c, &ks, "printk formats size") || cur_need(&c, ks, "printk formats")) return -1;
  c.i += ks;
  if (strcmp(version, "0.6") >= 0 && c.i < c.n) {
    uint64_t cs;
    if (cur_u64(&c, &cs, "saved cmdlines size") || cur_need(&c, cs, "saved cmdlines")) return -1;
    c.i += cs;
  }
  r->have_tracing = 1;
  return 0;
}

static void json_string(PerfsqlBuf *b, const char *s);

/* ---- per-format field descriptors ---------------------------------------------- */

static EventDesc *event_desc(PerfReader *r, struct tep_event *tev) {
  for (EventDesc *d = r->descs; d; d = d->next)
    if (d->tev == tev) return d;
  EventDesc *d = sqlite3_malloc64(sizeof *d);
  if (!d) return NULL;
  memset(d, 0, sizeof *d);
  d->tev = tev;
  int n = 0;
  for (struct tep_format_field *f = tev->format.fields; f; f = f->next) n++;
  d->fields = sqlite3_malloc64((uint64_t)(n ? n : 1) * sizeof(FieldDesc));
  if (!d->fields) { sqlite3_free(d); return NULL; }
  for (struct tep_format_field *f = tev->format.fields; f; f = f->next) {
    FieldDesc *fd = &d->fields[d->nfield++];
    fd->name = f->name;
    {
      PerfsqlBuf k = {0};
      json_string(&k, f->name);
      buf_append(&k, ":", 1);
      if (k.oom) { buf_free(&k); return NULL; }   /* (leaks d: out of memory anyway) */
      fd->json_key = k.data;
      fd->json_key_len = (int)k.len;
    }
    fd->offset = f->offset;
    fd->size = f->size;
    fd->flags = f->flags;
    fd->elem_size = (int)f->elementsize;
    fd->arraylen = (int)f->arraylen;
    /* libtraceevent flags u8 arrays as strings too; only char data is text */
    if ((f->flags & TEP_FIELD_IS_STRING) && f->type && strstr(f->type, "char")) fd->kind = PERF_FIELD_STRING;
    else if (f->flags & TEP_FIELD_IS_DYNAMIC) fd->kind = PERF_FIELD_BYTES;
    else if (f->flags & TEP_FIELD_IS_ARRAY)
      fd->kind = (fd->elem_size == 1 || fd->elem_size == 2 || fd->elem_size == 4 || fd->elem_size == 8)
                     ? PERF_FIELD_ARRAY : PERF_FIELD_BYTES;
    else if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
      fd->kind = (f->flags & TEP_FIELD_IS_SIGNED) ? PERF_FIELD_INT : PERF_FIELD_UINT;
    else fd->kind = PERF_FIELD_BYTES;
  }
  d->next = r->descs;
  r->descs = d;
  return d;
}

static void bind_attrs(PerfReader *r) {
  if (!r->have_tracing) return;
  for (int i = 0; i < r->nattr; i++) {
    Attr *a = &r->attrs[i];
    if (a->type != 2 /* PERF_TYPE_TRACEPOINT */ || a->desc) continue;
    struct tep_event *tev = tep_find_event(r->tep, (int)a->config);
    if (tev) a->desc = event_desc(r, tev);
  }
}

/* ---- opening -------------------------------------------------------------------- */

static int open_common(PerfReader *r) {
  const unsigned char *h = at(r, 0, 16, "file header");
  if (!h) return -1;
  uint64_t magic = rd64(h), hsize = rd64(h + 8);
  if (magic == PERF_MAGIC2_SWAPPED)
    return fail(r, 0, "perf.data written on an other-endian (big-endian) host is not supported; "
                      "convert it with perf on a host of that endianness (perf script/perf inject)");
  if (magic == PERF_MAGIC1) return fail(r, 0, "perf.data version 1 (\"PERFFILE\") is not supported");
  if (magic != PERF_MAGIC2) return fail(r, 0, "bad magic: not a perf.data file");
  r->tep = tep_alloc();
  if (!r->tep) return fail(r, 0, "out of memory");
  if (hsize == 16) {  /* pipe mode: everything comes as records */
    r->st.pipe_mode = 1;
    r->data_off = 16;
    r->data_end = r->size;
    r->pos = 16;
    return 0;
  }
  if (r->stream)
    return fail(r, 8, "standard input holds a perf.data file, not a perf pipe stream: give its path, "
                      "or record with `perf record -o - ...`");
  if (hsize < 104) return fail(r, 8, "header size %llu is neither 16 (pipe) nor >= 104",
                               (unsigned long long)hsize);
  h = at(r, 0, 104, "file header");
  if (!h) return -1;
  uint64_t attr_size = rd64(h + 16), attrs_off = rd64(h + 24), attrs_size = rd64(h + 32);
  uint64_t data_off = rd64(h + 40), data_size = rd64(h + 48);
  uint64_t feat[4];
  memcpy(feat, h + 72, 32);
  if (attr_size < 64 + 16 || attr_size > 4096)
    return fail(r, 16, "attr entry size %llu is out of range", (unsigned long long)attr_size);
  if (attrs_off > r->size || attrs_size > r->size - attrs_off)
    return fail(r, 24, "attrs section [%llu, +%llu) lies outside the file (%llu bytes)",
                (unsigned long long)attrs_off, (unsigned long long)attrs_size,
                (unsigned long long)r->size);
  if (data_off > r->size || data_size > r->size - data_off)
    return fail(r, 40, "data section [%llu, +%llu) lies outside the file (%llu bytes)",
                (unsigned long long)data_off, (unsigned long long)data_size,
                (unsigned long long)r->size);
  if (attrs_size % attr_size)
    return fail(r, 32, "attrs section size %llu is not a multiple of the entry size %llu",
                (unsigned long long)attrs_size, (unsigned long long)attr_size);
  uint64_t nattr = attrs_size / attr_size;
  /* pass 1: attrs; pass 2: their id arrays (each read separately: the window moves) */
  for (uint64_t i = 0; i < nattr; i++) {
    uint64_t off = attrs_off + i * attr_size;
    const unsigned char *p = at(r, off, (size_t)attr_size, "attr entry");
    if (!p) return -1;
    uint64_t asz = rd32(p + 4);
    if (asz == 0) asz = 64;
    if (asz + 16 != attr_size)
      return fail(r, off + 4, "attr.size %llu does not match the entry size %llu - 16",
                  (unsigned long long)asz, (unsigned long long)attr_size);
    if (add_attr(r, p, asz, off)) return -1;
  }
  for (uint64_t i = 0; i < nattr; i++) {
    uint64_t off = attrs_off + i * attr_size + attr_size - 16;
    const unsigned char *p = at(r, off, 16, "attr ids section");
    if (!p) return -1;
    uint64_t ids_off = rd64(p), ids_size = rd64(p + 8);
    if (ids_off > r->size || ids_size > r->size - ids_off || ids_size % 8)
      return fail(r, off, "attr ids section [%llu, +%llu) is invalid", (unsigned long long)ids_off,
                  (unsigned long long)ids_size);
    for (uint64_t k = 0; k < ids_size / 8; k++) {
      const unsigned char *q = at(r, ids_off + 8 * k, 8, "sample id");
      if (!q || add_id(r, rd64(q), (int)i, ids_off + 8 * k)) return -1;
    }
  }
  /* feature sections: one perf_file_section per set bit, ascending */
  uint64_t feat_off = data_off + data_size;
  int idx = 0;
  for (int bit = 0; bit < 256; bit++) {
    if (!((feat[bit / 64] >> (bit % 64)) & 1)) continue;
    uint64_t so = feat_off + 16 * (uint64_t)idx++;
    const unsigned char *s = at(r, so, 16, "feature section table");
    if (!s) return -1;
    uint64_t off = rd64(s), size = rd64(s + 8);
    if (off > r->size || size > r->size - off)
      return fail(r, so, "feature %d section [%llu, +%llu) lies outside the file", bit,
                  (unsigned long long)off, (unsigned long long)size);
    if (bit == 1) {  /* HEADER_TRACING_DATA */
      unsigned char *blob = copy_out(r, off, size, "tracing data section");
      if (!blob) return -1;
      int rc = parse_tracing_data(r, blob, size, off);
      sqlite3_free(blob);
      if (rc) return -1;
    } else if (bit == 3 || bit == 4 || bit == 5 || bit == 6) {  /* HOSTNAME, OSRELEASE, VERSION, ARCH */
      /* perf_header_string: u32 len; char str[len] */
      if (size >= 4 && size <= 4096) {
        const unsigned char *q = at(r, off, (size_t)size, "feature string");
        if (!q) return -1;
        uint32_t len = rd32(q);
        if (len <= size - 4) {
          char *dst = bit == 3 ? r->st.hostname : bit == 4 ? r->st.osrelease
                    : bit == 5 ? r->st.perf_version : r->st.arch;
          size_t cap = bit == 3 || bit == 4 ? 128 : bit == 5 ? 64 : 32;
          size_t n = strnlen((const char *)q + 4, len);
          if (n >= cap) n = cap - 1;
          memcpy(dst, q + 4, n);
          dst[n] = 0;
        }
      }
    } else if (bit == 12 && size >= 8 && size <= PERF_WINDOW) {  /* EVENT_DESC: event names */
      const unsigned char *q = at(r, off, (size_t)size, "event_desc");
      if (!q) return -1;
      parse_event_desc(r, q, size);
    } else if (bit == 7 && size >= 8) {  /* NRCPUS: u32 nr_cpus_available, nr_cpus_online */
      const unsigned char *q = at(r, off, 8, "nrcpus");
      if (!q) return -1;
      r->st.nr_cpus = (int)rd32(q);
    }
  }
  bind_attrs(r);
  r->data_off = data_off;
  r->data_end = data_off + data_size;
  r->pos = data_off;
  return 0;
}

static PerfReader *reader_new(const char *label) {
  PerfReader *r = sqlite3_malloc64(sizeof *r);
  if (!r) return NULL;
  memset(r, 0, sizeof *r);
  r->fd = -1;
  r->label = sqlite3_mprintf("%s", label);
  return r;
}

static int finish_open(PerfReader *r, PerfReader **out, char **pzErr) {
  if (open_common(r)) {
    *pzErr = r->err;
    r->err = NULL;
    perf_reader_close(r);
    *out = NULL;
    return -1;
  }
  *out = r;
  return 0;
}

int perf_reader_open(const char *path, PerfReader **out, char **pzErr) {
  *out = NULL;
  PerfReader *r = reader_new(path);
  if (!r) { *pzErr = sqlite3_mprintf("out of memory"); return -1; }
  if (strcmp(path, "-") == 0) {  /* standard input: a stream, read forward only */
    r->fd = dup(0);
    r->stream = 1;
    r->size = UINT64_MAX;
    r->win = r->fd >= 0 ? sqlite3_malloc64(PERF_WINDOW) : NULL;
    if (!r->win) {
      *pzErr = sqlite3_mprintf("-: %s", r->fd < 0 ? strerror(errno) : "out of memory");
      perf_reader_close(r);
      return -1;
    }
    return finish_open(r, out, pzErr);
  }
  r->fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat stt;
  if (r->fd < 0 || fstat(r->fd, &stt) != 0) {
    *pzErr = sqlite3_mprintf("%s: %s", path, strerror(errno));
    perf_reader_close(r);
    return -1;
  }
  if (!S_ISREG(stt.st_mode)) {
    *pzErr = sqlite3_mprintf("%s: not a regular file", path);
    perf_reader_close(r);
    return -1;
  }
  r->size = (uint64_t)stt.st_size;
  r->win = sqlite3_malloc64(PERF_WINDOW);
  if (!r->win) { *pzErr = sqlite3_mprintf("out of memory"); perf_reader_close(r); return -1; }
  return finish_open(r, out, pzErr);
}

int perf_reader_open_mem(const char *label, const unsigned char *data, size_t n, PerfReader **out,
                         char **pzErr) {
  *out = NULL;
  PerfReader *r = reader_new(label);
  if (!r) { *pzErr = sqlite3_mprintf("out of memory"); return -1; }
  r->mem = data ? data : (const unsigned char *)"";
  r->size = n;
  return finish_open(r, out, pzErr);
}

void perf_reader_close(PerfReader *r) {
  if (!r) return;
  if (r->fd >= 0) close(r->fd);
  sqlite3_free(r->win);
  sqlite3_free(r->attrs);
  sqlite3_free(r->ids);
  while (r->descs) {
    EventDesc *d = r->descs;
    r->descs = d->next;
    for (int i = 0; i < d->nfield; i++) sqlite3_free(d->fields[i].json_key);
    sqlite3_free(d->fields);
    sqlite3_free(d);
  }
  if (r->tep) tep_free(r->tep);
  sqlite3_free(r->q);
  sqlite3_free(r->qtmp);
  sqlite3_free(r->arena);
  sqlite3_free(r->comms);
  sqlite3_free(r->fields);
  sqlite3_free(r->cpu_last);
  sqlite3_free(r->lost);
  buf_free(&r->strings);
  sqlite3_free(r->label);
  sqlite3_free(r->err);
  sqlite3_free(r);
}

const PerfReaderStats *perf_reader_stats(const PerfReader *r) { return &r->st; }

void perf_reader_progress(const PerfReader *r, uint64_t *done, uint64_t *total) {
  *done = r->pos > r->data_off ? r->pos - r->data_off : 0;
  *total = r->data_end - r->data_off;
}

/* ---- record time / attr ------------------------------------------------------------ */

static int popcount_before(uint64_t st, uint64_t bit, const uint64_t *order, int n) {
  int k = 0;
  for (int i = 0; i < n && order[i] != bit; i++)
    if (st & order[i]) k++;
  return k;
}

/* Finds the timestamp (and for samples the attr) of record p (size sz). */
static int record_time(PerfReader *r, const unsigned char *p, uint32_t type, uint32_t sz,
                       uint64_t off, uint64_t *ts, int *attr) {
  *ts = UINT64_MAX;
  *attr = -1;
  if (r->nattr == 0) return type == REC_SAMPLE ? fail(r, off, "sample record before any attr") : 0;
  const unsigned char *body = p + 8;
  uint32_t blen = sz - 8;
  if (type == REC_SAMPLE) {
    uint64_t st0 = r->sample_type0;
    int a = 0;
    if (st0 & S_IDENTIFIER) {
      if (blen < 8) return fail(r, off, "sample record too short for its id");
      a = attr_of_id(r, rd64(body));
    } else if (st0 & S_ID) {
      static const uint64_t order[] = {S_IP, S_TID, S_TIME, S_ADDR, S_ID};
      int k = popcount_before(st0, S_ID, order, 5);
      if (blen < 8u * (uint32_t)(k + 1)) return fail(r, off, "sample record too short for its id");
      a = attr_of_id(r, rd64(body + 8 * k));
    }
    if (a < 0) return fail(r, off, "sample id does not belong to any attr");
    *attr = a;
    uint64_t st = r->attrs[a].sample_type;
    if (st & S_TIME) {
      static const uint64_t order[] = {S_IDENTIFIER, S_IP, S_TID, S_TIME};
      int k = popcount_before(st, S_TIME, order, 4);
      if (blen < 8u * (uint32_t)(k + 1)) return fail(r, off, "sample record too short for its time");
      *ts = rd64(body + 8 * k);
    }
    return 0;
  }
  /* non-sample kernel records: trailing sample_id when sample_id_all */
  if (type >= 64 || !r->attrs[0].sample_id_all) return 0;
  uint64_t st = r->sample_type0;
  if (!(st & S_TIME)) return 0;
  /* trailer order: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER */
  int after = ((st & S_ID) != 0) + ((st & S_STREAM_ID) != 0) + ((st & S_CPU) != 0) +
              ((st & S_IDENTIFIER) != 0);
  uint32_t need = 8u * (uint32_t)(after + 1);
  if (blen < need) return 0;
  *ts = rd64(body + blen - need);
  return 0;
}

/* ---- the queue ----------------------------------------------------------------------- */

static int queue_push(PerfReader *r, const unsigned char *p, uint32_t sz, uint64_t off, uint64_t ts,
                      int attr) {
  if (r->nq == r->capq) {
    size_t nc = r->capq ? r->capq * 2 : 4096;
    Queued *n = sqlite3_realloc64(r->q, nc * sizeof(Queued));
    if (!n) return fail(r, off, "out of memory");
    r->q = n;
    r->capq = nc;
  }
  if (r->arena_len + sz > r->arena_cap) {
    size_t nc = r->arena_cap ? r->arena_cap * 2 : (1u << 20);
    while (nc < r->arena_len + sz) nc *= 2;
    unsigned char *n = sqlite3_realloc64(r->arena, nc);
    if (!n) return fail(r, off, "out of memory");
    r->arena = n;
    r->arena_cap = nc;
  }
  memcpy(r->arena + r->arena_len, p, sz);
  if (ts == UINT64_MAX) ts = r->max_ts;   /* no timestamp: keep its place in the stream */
  Queued *e = &r->q[r->nq++];
  e->ts = ts;
  e->seq = r->seq++;
  e->file_off = off;
  e->arena_off = r->arena_len;
  e->len = sz;
  e->attr = attr;
  r->arena_len += sz;
  if (ts > r->max_ts) r->max_ts = ts;
  return 0;
}

static int q_cmp(const void *a, const void *b) {
  const Queued *x = a, *y = b;
  if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static inline int q_less(const Queued *x, const Queued *y) {
  return x->ts < y->ts || (x->ts == y->ts && x->seq < y->seq);
}

/* Sorts q[0..n) by (ts, seq), as q_cmp, with tmp holding n / 2 + 1 entries. A merge sort
** shaped for the queue: it holds one run in time order per CPU ring buffer, so most halves
** are already in order and are not merged. Faster than qsort(), which sorts 40-byte
** entries indirectly through a comparison function (~3% of a 1.3M-sample load). */
static void q_sort(Queued *q, size_t n, Queued *tmp) {
  if (n <= 16) {
    for (size_t i = 1; i < n; i++) {
      Queued v = q[i];
      size_t j = i;
      for (; j > 0 && q_less(&v, &q[j - 1]); j--) q[j] = q[j - 1];
      q[j] = v;
    }
    return;
  }
  size_t h = n / 2;
  q_sort(q, h, tmp);
  q_sort(q + h, n - h, tmp);
  if (!q_less(&q[h], &q[h - 1])) return;
  memcpy(tmp, q, h * sizeof *q);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) q[k++] = q_less(&q[j], &tmp[i]) ? q[j++] : tmp[i++];
  while (i < h) q[k++] = tmp[i++];
}

static void queue_sort(PerfReader *r) {
  if (r->nq < 2) return;
  size_t need = r->nq / 2 + 1;
  if (need > r->qtmp_cap) {
    Queued *t = sqlite3_realloc64(r->qtmp, (uint64_t)need * sizeof *t);
    if (!t) {   /* no memory for the buffer: the library sort, in place */
      qsort(r->q, r->nq, sizeof(Queued), q_cmp);
      return;
    }
    r->qtmp = t;
    r->qtmp_cap = need;
  }
  q_sort(r->q, r->nq, r->qtmp);
}

/* Sorts the queue and marks the prefix with ts <= limit for delivery. */
static void queue_flush(PerfReader *r, uint64_t limit) {
  queue_sort(r);
  size_t k = 0;
  while (k < r->nq && r->q[k].ts <= limit) k++;
  r->qdeliver = k;
  r->qdelivered = 0;
}

/* Drops delivered entries: remaining ones move to the front of the arena. */
static int queue_compact(PerfReader *r) {
  if (r->qdeliver == 0) return 0;
  size_t rest = r->nq - r->qdeliver;
  if (rest == 0) {
    r->nq = 0;
    r->arena_len = 0;
  } else {
    size_t total = 0;
    for (size_t i = r->qdeliver; i < r->nq; i++) total += r->q[i].len;
    unsigned char *na = sqlite3_malloc64(total > 0 ? total : 1);
    if (!na) return fail(r, r->pos, "out of memory");
    size_t o = 0;
    for (size_t i = r->qdeliver; i < r->nq; i++) {
      memcpy(na + o, r->arena + r->q[i].arena_off, r->q[i].len);
      r->q[i].arena_off = o;
      o += r->q[i].len;
    }
    memmove(r->q, r->q + r->qdeliver, rest * sizeof(Queued));
    sqlite3_free(r->arena);
    r->arena = na;
    r->arena_cap = total > 0 ? total : 1;
    r->arena_len = total;
    r->nq = rest;
  }
  r->qdeliver = r->qdelivered = 0;
  return 0;
}

/* Reads records until a batch is ready for delivery (or EOF). */
static int fill_batch(PerfReader *r) {
  if (queue_compact(r)) return -1;
  while (!r->eof) {
    if (r->pos >= r->data_end || (r->stream && stream_eof_at(r, r->pos))) {
      if (r->err) return -1;
      r->eof = 1;
      queue_flush(r, UINT64_MAX);
      return 0;
    }
    if (r->data_end - r->pos < 8) return fail(r, r->pos, "file truncated inside a record header");
    const unsigned char *h = at(r, r->pos, 8, "record header");
    if (!h) return -1;
    uint32_t type = rd32(h);
    uint32_t sz = rd16(h + 6);
    uint64_t off = r->pos;
    if (sz < 8) return fail(r, off, "record size %u is smaller than its header (type %u)", sz, type);
    if (sz > r->data_end - off)
      return fail(r, off, "record of %u bytes (type %u) runs past the end of the data (%llu bytes left)",
                  sz, type, (unsigned long long)(r->data_end - off));
    const unsigned char *p = at(r, off, sz, "record");
    if (!p) return -1;
    r->pos += sz;
    switch (type) {
      case REC_FINISHED_ROUND: {
        r->st.rounds++;
        uint64_t limit = r->next_flush;
        r->next_flush = r->max_ts;
        queue_flush(r, limit);
        if (r->qdeliver) return 0;
        break;
      }
      case REC_HEADER_ATTR: {
        if (sz < 8 + 64) return fail(r, off, "HEADER_ATTR record too short");
        uint64_t asz = rd32(p + 8 + 4);
        if (asz == 0) asz = 64;
        if (asz < 64 || 8 + asz > sz) return fail(r, off, "HEADER_ATTR attr.size %llu does not fit the record",
                                                  (unsigned long long)asz);
        if (add_attr(r, p + 8, asz, off)) return -1;
        for (uint64_t o = 8 + asz; o + 8 <= sz; o += 8)
          if (add_id(r, rd64(p + o), r->nattr - 1, off + o)) return -1;
        bind_attrs(r);
        break;
      }
      case REC_HEADER_TRACING_DATA: {
        if (sz < 12) return fail(r, off, "HEADER_TRACING_DATA record too short");
        uint64_t tsize = rd32(p + 8);
        uint64_t padded = (tsize + 7) & ~7ull;
        if (padded > r->data_end - r->pos)
          return fail(r, off, "tracing data of %llu bytes runs past the end of the file",
                      (unsigned long long)tsize);
        unsigned char *blob = copy_out(r, r->pos, tsize, "tracing data");
        if (!blob) return -1;
        int rc = parse_tracing_data(r, blob, tsize, r->pos);
        sqlite3_free(blob);
        if (rc) return -1;
        r->pos += padded;
        bind_attrs(r);
        break;
      }
      case REC_LOST_SAMPLES:
        if (sz >= 16) r->st.lost_samples += rd64(p + 8);
        r->st.other++;
        break;
      case REC_SAMPLE: case REC_COMM: case REC_FORK: case REC_EXIT: case REC_LOST: {
        uint64_t ts;
        int attr;
        if (record_time(r, p, type, sz, off, &ts, &attr)) return -1;
        if (queue_push(r, p, sz, off, ts, attr)) return -1;
        if (r->arena_len > PERF_QUEUE_MAX) {  /* deliver the older half, as perf does */
          queue_sort(r);
          queue_flush(r, r->q[r->nq / 2].ts);
          if (r->qdeliver) return 0;
        }
        break;
      }
      case 71:  /* PERF_RECORD_AUXTRACE: its payload follows the record */
        return fail(r, off, "AUX area trace data (PERF_RECORD_AUXTRACE) is not supported; "
                    "record without AUX tracing");
      case 81: case 83:  /* PERF_RECORD_COMPRESSED(2) */
        return fail(r, off, "compressed records (perf record -z) are not supported; "
                    "decompress with `perf inject -i FILE -o OUT` first");
      default:
        r->st.other++;
        break;
    }
  }
  return 0;
}

/* ---- decoding ------------------------------------------------------------------------ */

static int push_field(PerfReader *r, PerfEvent *ev) {
  if (ev->nfield == r->capfields) {
    int nc = r->capfields ? r->capfields * 2 : 32;
    PerfField *n = sqlite3_realloc64(r->fields, (uint64_t)nc * sizeof(PerfField));
    if (!n) return -1;
    r->fields = n;
    r->capfields = nc;
  }
  ev->fields = r->fields;
  memset(&r->fields[ev->nfield], 0, sizeof(PerfField));
  ev->nfield++;
  return 0;
}

static uint64_t read_uint(const unsigned char *p, int size) {
  switch (size) {
    case 1: return p[0];
    case 2: return rd16(p);
    case 4: return rd32(p);
    default: return rd64(p);
  }
}

static long long sign_extend(uint64_t v, int size) {
  if (size >= 8) return (long long)v;
  uint64_t m = 1ull << (size * 8 - 1);
  return (long long)((v ^ m) - m);
}

static int decode_fields(PerfReader *r, PerfEvent *ev, EventDesc *d, uint64_t off) {
  /* string copies go to r->strings; remember offsets and fix pointers at the end
  ** because the buffer may move while it grows */
  r->strings.len = 0;
  size_t soff[64];
  int sidx[64], ns = 0;
  for (int i = 0; i < d->nfield; i++) {
    FieldDesc *fd = &d->fields[i];
    if (push_field(r, ev)) return fail(r, off, "out of memory");
    PerfField *f = &r->fields[ev->nfield - 1];
    f->name = fd->name;
    f->json_key = fd->json_key;
    f->json_key_len = fd->json_key_len;
    f->kind = fd->kind;
    if (fd->offset < 0 || fd->size < 0 || (long long)fd->offset + fd->size > ev->raw_size)
      return fail(r, off, "%s:%s field %s (offset %d, size %d) lies past the %d-byte raw data",
                  ev->system, ev->name, fd->name, fd->offset, fd->size, ev->raw_size);
    const unsigned char *p = ev->raw + fd->offset;
    int len = fd->size;
    if (fd->flags & TEP_FIELD_IS_DYNAMIC) {
      uint32_t loc = (uint32_t)read_uint(p, fd->size >= 4 ? 4 : fd->size);
      long long doff = (long long)(loc & 0xffff);
      len = (int)(loc >> 16);
      if (fd->flags & TEP_FIELD_IS_RELATIVE) doff += (long long)fd->offset + fd->size;
      if (doff + len > ev->raw_size)
        return fail(r, off, "%s:%s field %s: dynamic data [%lld, +%d) lies past the %d-byte raw data",
                    ev->system, ev->name, fd->name, doff, len, ev->raw_size);
      p = ev->raw + doff;
    }
    switch (fd->kind) {
      case PERF_FIELD_INT: f->i = sign_extend(read_uint(p, fd->size), fd->size); break;
      case PERF_FIELD_UINT: f->i = (long long)read_uint(p, fd->size); break;
      case PERF_FIELD_STRING: {
        size_t n = strnlen((const char *)p, (size_t)len);
        if (ns < 64) { soff[ns] = r->strings.len; sidx[ns++] = ev->nfield - 1; }
        buf_append(&r->strings, p, n);
        buf_append(&r->strings, "", 1);
        if (r->strings.oom) return fail(r, off, "out of memory");
        break;
      }
      case PERF_FIELD_ARRAY:
        f->p = p;
        f->elem_size = fd->elem_size;
        f->elem_signed = (fd->flags & TEP_FIELD_IS_SIGNED) != 0;
        f->len = fd->elem_size ? len / fd->elem_size : 0;
        break;
      default:
        f->p = p;
        f->len = len;
        break;
    }
  }
  for (int k = 0; k < ns; k++) r->fields[sidx[k]].s = r->strings.data + soff[k];
  return 0;
}

/* Decodes a SAMPLE record into ev. */
static int decode_sample(PerfReader *r, const Queued *qe, const unsigned char *p, PerfEvent *ev) {
  uint64_t off = qe->file_off;
  Attr *a = &r->attrs[qe->attr];
  uint64_t st = a->sample_type;
  const unsigned char *b = p + 8, *end = p + qe->len;
  memset(ev, 0, sizeof *ev);
  ev->offset = off;
  ev->cpu = -1;
  ev->pid = ev->tid = -1;
#define NEED(n, what) \
  do { if ((size_t)(end - b) < (size_t)(n)) return fail(r, off + (uint64_t)(b - p), \
       "sample %s runs past the end of its %u-byte record", what, qe->len); } while (0)
  if (st & S_IDENTIFIER) { NEED(8, "id"); b += 8; }
  if (st & S_IP) { NEED(8, "ip"); b += 8; }
  if (st & S_TID) { NEED(8, "pid/tid"); ev->pid = (int)rd32(b); ev->tid = (int)rd32(b + 4); b += 8; }
  if (st & S_TIME) { NEED(8, "time"); ev->ts = rd64(b); b += 8; }
  if (st & S_ADDR) { NEED(8, "addr"); b += 8; }
  if (st & S_ID) { NEED(8, "id"); b += 8; }
  if (st & S_STREAM_ID) { NEED(8, "stream id"); b += 8; }
  if (st & S_CPU) { NEED(8, "cpu"); ev->cpu = (int)rd32(b); b += 8; }
  if (st & S_PERIOD) { NEED(8, "period"); b += 8; }
  if (st & S_READ) {
    uint64_t rf = a->read_format;
    int per = 1 + ((rf & RF_ID) != 0) + ((rf & RF_LOST) != 0);
    int hdr = ((rf & RF_TOTAL_TIME_ENABLED) != 0) + ((rf & RF_TOTAL_TIME_RUNNING) != 0);
    if (rf & RF_GROUP) {
      NEED(8, "read group count");
      uint64_t nr = rd64(b);
      b += 8;
      if (nr > 65536) return fail(r, off, "sample read group of %llu values", (unsigned long long)nr);
      NEED(8 * (hdr + nr * (uint64_t)per), "read values");
      b += 8 * (hdr + nr * (uint64_t)per);
    } else {
      NEED(8 * (hdr + per), "read value");
      b += 8 * (hdr + per);
    }
  }
  if (st & S_CALLCHAIN) {
    NEED(8, "callchain count");
    uint64_t nr = rd64(b);
    b += 8;
    if (nr > (uint64_t)(end - b) / 8) return fail(r, off + (uint64_t)(b - p) - 8,
        "sample callchain of %llu entries runs past the end of its %u-byte record",
        (unsigned long long)nr, qe->len);
    b += 8 * nr;
  }
  if (st & S_RAW) {
    NEED(4, "raw size");
    uint32_t rs = rd32(b);
    if (rs > (size_t)(end - b) - 4)
      return fail(r, off + (uint64_t)(b - p), "sample raw size %u runs past the end of its %u-byte record "
                  "(%u bytes left)", rs, qe->len, (unsigned)((size_t)(end - b) - 4));
    ev->raw = b + 4;
    ev->raw_size = (int)rs;
    b += 4 + rs;
  }
#undef NEED
  EventDesc *d = a->desc;
  if (!d && ev->raw && ev->raw_size >= 2 && r->have_tracing) {  /* fall back on common_type */
    struct tep_event *tev = tep_find_event(r->tep, rd16(ev->raw));
    if (tev) d = event_desc(r, tev);
  }
  if (d) {
    if (!ev->raw) return fail(r, off, "tracepoint sample without raw data (no PERF_SAMPLE_RAW)");
    ev->tev = d->tev;
    ev->system = d->tev->system;
    ev->name = d->tev->name;
    if (decode_fields(r, ev, d, off)) return -1;
  } else {
    if (a->type == 2 && !r->have_tracing)
      return fail(r, off, "tracepoint sample but the file has no tracing data section");
    if (a->type == 2) {
      snprintf(r->name_buf, sizeof r->name_buf, "tracepoint_%llu", (unsigned long long)a->config);
      ev->system = "unknown";
      ev->name = r->name_buf;
    } else if (a->name[0]) {
      ev->system = "perf";
      ev->name = a->name;
    } else {
      return fail(r, off, "sample of a perf event of type %u, config %llu that has no name in this file "
                  "(not a tracepoint, not one of perf's generic events); perfsql loads tracepoints "
                  "(perf record -e 'sched:*') and named perf events", a->type, (unsigned long long)a->config);
    }
  }
  CommSlot *cs = ev->tid >= 0 ? comm_slot(r, ev->tid, 0) : NULL;
  if (cs && cs->comm[0]) {
    ev->comm = cs->comm;
  } else if (ev->tid == 0) {
    ev->comm = "swapper";   /* perf's name for the idle task */
  } else {
    snprintf(r->comm_buf, sizeof r->comm_buf, ":%d", ev->tid);
    ev->comm = r->comm_buf;
  }
  return 0;
}

/* Remembers the last delivered sample time per cpu (start of a later loss range). */
static int note_sample_cpu(PerfReader *r, const PerfEvent *ev) {
  if (r->st.samples == 1) r->first_sample_ts = ev->ts;
  if (ev->cpu < 0 || ev->cpu >= 65536) return 0;
  if (ev->cpu >= r->ncpu_last) {
    int nc = ev->cpu + 64;
    uint64_t *n = sqlite3_realloc64(r->cpu_last, (uint64_t)nc * sizeof *n);
    if (!n) return fail(r, ev->offset, "out of memory");
    for (int i = r->ncpu_last; i < nc; i++) n[i] = 0;
    r->cpu_last = n;
    r->ncpu_last = nc;
  }
  r->cpu_last[ev->cpu] = ev->ts;
  return 0;
}

/* A PERF_RECORD_LOST (u64 id, u64 lost, sample_id trailer): its range. */
static int note_loss(PerfReader *r, const unsigned char *p, const Queued *qe) {
  int cpu = -1;
  uint64_t st = r->sample_type0;
  if (r->nattr && r->attrs[0].sample_id_all && (st & S_CPU)) {
    uint32_t back = 8u * (1u + ((st & S_IDENTIFIER) != 0));
    if (qe->len >= 24 + back) cpu = (int)rd32(p + qe->len - back);
  }
  if (r->nlost == r->caplost) {
    size_t nc = r->caplost ? r->caplost * 2 : 64;
    PerfLost *n = sqlite3_realloc64(r->lost, nc * sizeof *n);
    if (!n) return fail(r, qe->file_off, "out of memory");
    r->lost = n;
    r->caplost = nc;
  }
  PerfLost *l = &r->lost[r->nlost++];
  l->cpu = cpu;
  l->lost = rd64(p + 16);
  l->end_ts = qe->ts;
  uint64_t start = cpu >= 0 && cpu < r->ncpu_last && r->cpu_last[cpu] ? r->cpu_last[cpu] : r->first_sample_ts;
  l->start_ts = start <= l->end_ts ? start : l->end_ts;
  return 0;
}

const PerfLost *perf_reader_losses(const PerfReader *r, size_t *n) {
  *n = r->nlost;
  return r->lost;
}

int perf_reader_next(PerfReader *r, PerfEvent *ev, char **pzErr) {
  for (;;) {
    if (r->err) { *pzErr = sqlite3_mprintf("%s", r->err); return -1; }
    if (r->qdelivered >= r->qdeliver) {
      if (r->eof) return 0;
      if (fill_batch(r)) continue;
      if (r->qdelivered >= r->qdeliver && r->eof && r->nq == 0) return 0;
      continue;
    }
    const Queued *qe = &r->q[r->qdelivered++];
    const unsigned char *p = r->arena + qe->arena_off;
    uint32_t type = rd32(p);
    if (qe->ts < r->last_delivered_ts) r->st.out_of_order++;
    else r->last_delivered_ts = qe->ts;
    switch (type) {
      case REC_COMM:
        r->st.comm++;
        if (qe->len >= 16) comm_set(r, (int)rd32(p + 12), (const char *)p + 16, qe->len - 16);
        break;
      case REC_FORK:
        r->st.fork++;
        if (qe->len >= 24) {
          int tid = (int)rd32(p + 16), ptid = (int)rd32(p + 20);
          CommSlot *par = comm_slot(r, ptid, 0);
          if (par && par->comm[0]) {
            char c[32];
            memcpy(c, par->comm, sizeof c);
            comm_set(r, tid, c, sizeof c);
          }
        }
        break;
      case REC_EXIT: r->st.exit++; break;
      case REC_LOST:
        r->st.lost_records++;
        if (qe->len >= 24) {
          r->st.lost_events += rd64(p + 16);
          if (note_loss(r, p, qe)) continue;
        }
        break;
      case REC_SAMPLE:
        r->st.samples++;
        if (decode_sample(r, qe, p, ev)) continue;
        if (note_sample_cpu(r, ev)) continue;
        return 1;
      default: break;
    }
  }
}

/* ---- helpers on decoded events ---------------------------------------------------------- */

const PerfField *perf_event_field(const PerfEvent *ev, const char *name) {
  for (int i = 0; i < ev->nfield; i++)
    if (strcmp(ev->fields[i].name, name) == 0) return &ev->fields[i];
  return NULL;
}

static void json_string(PerfsqlBuf *b, const char *s) {
  buf_append(b, "\"", 1);
  const char *run = s;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) continue;
    buf_append(b, run, (size_t)(s - run));
    if (c == '"') buf_append(b, "\\\"", 2);
    else if (c == '\\') buf_append(b, "\\\\", 2);
    else buf_appendf(b, "\\u%04x", c);  /* control and non-ASCII bytes: one code point each */
    run = s + 1;
  }
  buf_append(b, run, (size_t)(s - run));
  buf_append(b, "\"", 1);
}

/* perf_event_args_json() runs for every sample a load keeps as JSON (~1M per large
** capture): it writes into a small local buffer handed to b in chunks, because a
** buf_append() call per piece (brace, key, digit run, comma) cost ~5% of a load (issue
** 15). The text is byte for byte what the piecewise version wrote. */
typedef struct JsonOut { PerfsqlBuf *b; size_t n; char t[1024]; } JsonOut;

static void jflush(JsonOut *o) {
  if (o->n) buf_append(o->b, o->t, o->n);
  o->n = 0;
}
static void jput(JsonOut *o, const void *p, size_t n) {
  if (o->n + n > sizeof o->t) {
    jflush(o);
    if (n > sizeof o->t) { buf_append(o->b, p, n); return; }
  }
  memcpy(o->t + o->n, p, n);
  o->n += n;
}
static void jchar(JsonOut *o, char c) {
  if (o->n + 1 > sizeof o->t) jflush(o);
  o->t[o->n++] = c;
}
/* Integer to decimal without printf: single digits (most fields: flags, booleans) at
** once, else two digits per division. */
static void jnum(JsonOut *o, long long v, int is_unsigned) {
  static const char d2[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                           "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                           "8081828384858687888990919293949596979899";
  unsigned long long u = is_unsigned || v >= 0 ? (unsigned long long)v : 0ull - (unsigned long long)v;
  if (u < 10 && (is_unsigned || v >= 0)) {
    jchar(o, (char)('0' + u));
    return;
  }
  char tmp[24];
  int i = (int)sizeof tmp;
  while (u >= 100) {
    unsigned r = (unsigned)(u % 100) * 2;
    u /= 100;
    tmp[--i] = d2[r + 1];
    tmp[--i] = d2[r];
  }
  if (u >= 10) {
    tmp[--i] = d2[u * 2 + 1];
    tmp[--i] = d2[u * 2];
  } else {
    tmp[--i] = (char)('0' + u);
  }
  if (!is_unsigned && v < 0) tmp[--i] = '-';
  jput(o, tmp + i, sizeof tmp - (size_t)i);
}

void perf_event_args_json(const PerfEvent *ev, PerfsqlBuf *b) {
  static const char hex[] = "0123456789abcdef";
  JsonOut o;
  o.b = b;
  o.n = 0;
  jchar(&o, '{');
  for (int i = 0; i < ev->nfield; i++) {
    const PerfField *f = &ev->fields[i];
    if (i) jchar(&o, ',');
    jput(&o, f->json_key, (size_t)f->json_key_len);
    switch (f->kind) {
      case PERF_FIELD_INT: jnum(&o, f->i, 0); break;
      case PERF_FIELD_UINT: jnum(&o, f->i, 1); break;
      case PERF_FIELD_STRING:
        jflush(&o);
        json_string(b, f->s ? f->s : "");
        break;
      case PERF_FIELD_ARRAY:
        jchar(&o, '[');
        for (int k = 0; k < f->len; k++) {
          if (k) jchar(&o, ',');
          uint64_t v = read_uint(f->p + k * f->elem_size, f->elem_size);
          if (f->elem_signed) jnum(&o, sign_extend(v, f->elem_size), 0);
          else jnum(&o, (long long)v, 1);
        }
        jchar(&o, ']');
        break;
      default:
        jchar(&o, '"');
        for (int k = 0; k < f->len; k++) {
          char h[2] = {hex[f->p[k] >> 4], hex[f->p[k] & 15]};
          jput(&o, h, 2);
        }
        jchar(&o, '"');
        break;
    }
  }
  jchar(&o, '}');
  jflush(&o);
}

void sched_state_text(uint64_t state, char out[32]) {
  static const char *names[] = {"S", "D", "T", "t", "X", "Z", "P", "I"};
  size_t n = 0;
  uint64_t s = state & 0xff;
  if (!s) {
    out[n++] = 'R';
  } else {
    for (int i = 0; i < 8; i++)
      if (s & (1u << i)) {
        if (n) out[n++] = '|';
        out[n++] = names[i][0];
      }
  }
  if (state & 0x100) out[n++] = '+';
  out[n] = 0;
}
