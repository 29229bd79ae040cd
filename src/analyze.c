/*
 * The pipeline, wired once: every packet goes capture -> decode -> tracker
 * -> libnids (which feeds the TLS reader through the tracker's flows); a
 * finished flow goes facts -> classify -> report. Nothing flows backwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tlsdiag/analyze.h"
#include "tlsdiag/capture.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/diagnosis.h"
#include "tlsdiag/export.h"
#include "tlsdiag/flow.h"
#include "tlsdiag/memcap.h"
#include "tlsdiag/packet.h"
#include "tlsdiag/presize.h"
#include "tlsdiag/privdrop.h"
#include "tlsdiag/progress.h"
#include "tlsdiag/reasm.h"
#include "tlsdiag/report.h"
#include "tlsdiag/report_html.h"
#include "tlsdiag/report_ladder.h"
#include "tlsdiag/rotate.h"
#include "tlsdiag/rules.h"
#include "tlsdiag/servers.h"
#include "tlsdiag/status.h"
#include "tlsdiag/workq.h"
#include "tlsdiag/x509.h"
#include "tlsdiag/x509_cache.h"

struct run {
	const struct td_options *o;
	struct td_conntrack *ct;
	struct td_x509_ctx *x509;
	struct td_ruleset *rules;
	struct td_export *exp;  /* -w, or NULL */
	struct td_html *html;   /* --html, or NULL */
	struct td_limits lim;
	struct td_run_summary sum;
	struct td_ladder_style ladder; /* --ladder */
	const char *file;       /* the input being read */
	uint32_t file_index;
	bool any_failure;
	bool any_unexpected;    /* --expect: a connection outside the expected categories */
	bool write_failed;      /* -w: the file could not be written whole */
	bool live_failed;       /* -i: the interface could not be opened: no report */
	bool flush_each;        /* live or -l: each verdict reaches its reader at once */
	struct td_timeouts to;
	double next_expire;     /* capture time of the next look at the time rules */
	double prev_ts;         /* the packet before this one, and its input */
	uint32_t prev_file;
	uint64_t decided;       /* connections reported so far */
	uint64_t packets_total; /* -c counts across all inputs */
	struct td_capture_counts counts;
	struct td_rotate rot;   /* -w's current name, -G and -C */
	struct td_progress progress; /* files on a terminal */
	struct td_servers servers;   /* the summary by server */
	struct td_workq *judging;    /* the judging thread, or NULL: this one judges */
};

/* Finished connections waiting for the judging thread: enough to ride out
 * a burst of short connections, few enough to keep memory small (a
 * connection's facts are some 16 KiB). */
#define JUDGE_QUEUE 256

static double now(void);

/* Seconds of capture time between two looks at the time rules: live, a
 * quarter second keeps verdicts prompt; files, a second keeps it cheap. */
#define EXPIRE_EVERY_LIVE 0.25
#define EXPIRE_EVERY_FILE 1.0
/* A decided connection still open after this long is reported anyway. */
#define DECIDED_GRACE 0.5

/* --expect: is the verdict one of the expected categories? Say so when not. */
static void check_expected(struct run *r, const struct td_facts *f, const struct td_diagnosis *d)
{
	for (size_t i = 0; i < r->o->n_expect; i++)
		if (strcmp(r->o->expect[i], d->category) == 0)
			return;
	r->any_unexpected = true;
	td_error("expect: connection #%u (%s, frame %llu) is %s, not one of the expected categories",
		 f->id, f->file, (unsigned long long)f->tcp.first_frame, d->category);
}

/* -w: go on in the next file (SIGHUP: the same name again, after a log
 * rotation moved the old one away). A failure is said once; nothing more
 * is written and the exit status is 2. */
static void reopen_export(struct run *r, const char *name)
{
	char err[256];
	if (!r->exp || r->write_failed)
		return;
	if (!td_export_reopen(r->exp, name, err, sizeof(err))) {
		td_error("%s: %s", name, err);
		r->write_failed = r->sum.write_failed = true;
	}
}

/* -G: a new period begins; called with capture time (live: the clock). */
static void rotate_by_time(struct run *r, double now)
{
	if (r->rot.next && now >= r->rot.next)
		reopen_export(r, td_rotate_next(&r->rot, now, false));
}

/* -C: the current file is full. */
static void rotate_by_size(struct run *r, double now)
{
	if (r->rot.bytes && td_export_file_bytes(r->exp) >= r->rot.bytes)
		reopen_export(r, td_rotate_next(&r->rot, now, true));
}

/* -w: the verdict decides whether the held packets are written; they are
 * freed in every case (the flow's pkts belong to this callback). */
static void export_flow(struct run *r, struct td_flow *flow, const struct td_diagnosis *d)
{
	if (!r->exp)
		return;
	if (r->o->write_all || !td_diagnosis_ok(d)) {
		struct td_export_label l = { .conn = flow->facts->id, .category = d->category,
					     .windows_error = d->windows_error };
		td_export_write(r->exp, flow->pkts, &l);
		rotate_by_size(r, flow->facts->tcp.last_ts);
	}
	td_export_drop(r->exp, &flow->pkts);
}

/* A finished connection's facts judged and reported: derived facts,
 * certificates, the rules, the report and the summary. On the judging
 * thread when there is one (the facts are its own then), in the order the
 * connections finished either way. */
static void judge(struct run *r, struct td_facts *facts, struct td_diagnosis *d)
{
	td_facts_derive(facts);
	td_x509_analyze(r->x509, facts);
	bool show = r->o->quiet == 0;
	td_progress_clear(&r->progress);
	if (r->o->explain && !r->o->json && show)
		printf("#%u rules:\n", facts->id);
	td_rules_eval(r->rules, facts, d, r->o->explain && show ? (r->o->json ? stderr : stdout) : NULL);
	/* -q: the failures only; -qq: nothing but the summary. */
	if (r->o->quiet == 1 && !td_diagnosis_ok(d))
		show = true;
	if (show && r->o->json)
		td_report_json_flow(stdout, facts, d);
	else if (show)
		td_report_text_flow(stdout, facts, d);
	if (r->o->ladder)
		td_report_ladder(stdout, facts, d, &r->ladder);
	td_html_flow(r->html, facts, d);
	if (r->o->n_expect)
		check_expected(r, facts, d);
	td_summary_count(&r->sum, d->category);
	td_servers_count(&r->servers, &r->sum, facts, d->category);
	td_summary_caps(&r->sum, facts->caps_hit);
	if (!td_diagnosis_ok(d))
		r->any_failure = true;
	r->decided++;
	if (r->flush_each)
		fflush(stdout);
}

/* The judging thread's work: a connection's facts, or a progress line. */
static void judge_work(const struct td_work *w, void *arg)
{
	struct run *r = arg;
	struct td_diagnosis d;
	if (!w->p) {
		r->progress.compressed = w->n[2] != 0;
		td_progress_update(&r->progress, w->aux, w->n[0], w->n[1], r->decided, now());
		return;
	}
	judge(r, w->p, &d);
	/* The certificates' part was allocated here: freed here. */
	struct td_facts *f = w->p;
	td_x509_facts_free(f->x509);
	f->x509 = NULL;
}

/* A judged connection's facts, back on the reading thread that made them. */
static void retire(const struct td_work *w)
{
	td_facts_free(w->p);
}

/* Into the queue; the item the slot held before is retired here. */
static void push_work(struct run *r, const struct td_work *w)
{
	struct td_work done;
	td_workq_push(r->judging, w, &done);
	if (done.p)
		retire(&done);
}

/* The facts go to the judging thread; the flow keeps a copy of the TCP
 * part, which is all a reported connection that lingers still updates.
 * False when the copy cannot be made: the caller judges itself. */
static bool hand_off(struct run *r, struct td_flow *flow)
{
	struct td_facts *keep = malloc(sizeof(*keep));
	if (!keep)
		return false;
	*keep = *flow->facts;
	keep->tls = NULL;
	keep->x509 = NULL;
	push_work(r, &(struct td_work){ .p = flow->facts });
	flow->facts = keep;
	return true;
}

/* Before a message on stderr or a status line: the connections finished
 * before it are reported first, as with one thread. */
static void judged_so_far(struct run *r)
{
	td_workq_drain(r->judging);
}

static void on_finish(struct td_flow *flow, void *arg)
{
	struct run *r = arg;
	struct td_diagnosis d;
	flow->facts->iphttps_given = r->o->iphttps;
	td_conntrack_holes(flow);
	if (r->judging) {
		if (hand_off(r, flow)) {
			td_reasm_flow_end(flow);
			return;
		}
		judged_so_far(r);
	}
	judge(r, flow->facts, &d);
	td_reasm_flow_end(flow);
	export_flow(r, flow, &d);
}

/* The time rules, about every EXPIRE_EVERY_* seconds of capture time. */
static void expire(struct run *r, double now)
{
	if (now < r->next_expire)
		return;
	r->next_expire = now + (r->o->iface ? EXPIRE_EVERY_LIVE : EXPIRE_EVERY_FILE);
	td_conntrack_expire(r->ct, now, &r->to);
}

/* -w: hold a copy of the packet until its connection's verdict. One the
 * caps refuse makes the connection's written packets incomplete: a cap. */
static void hold_packet(struct run *r, struct td_flow *flow, const struct td_export_pkt *p)
{
	if (r->exp && !td_export_hold(r->exp, &flow->pkts, p))
		td_facts_cap(flow->facts, TD_CAP_WRITE);
}

/* libnids gets IPv4 as it is and IPv6 translated; an IPv4 packet on the
 * addresses that stand for IPv6 pairs inside libnids is kept from it, so
 * that no IPv4 connection can meet an IPv6 one there. */
static void feed_reasm(struct td_flow *flow, const struct td_pkt *p)
{
	if (p->ipver == 6)
		td_reasm_packet6(flow, p);
	else if (!td_reasm_map_synthetic(p->src) && !td_reasm_map_synthetic(p->dst))
		td_reasm_packet(flow, p);
}

/* Every 1024 packets: the progress line (it redraws twice a second). */
static void show_progress(struct run *r)
{
	uint64_t pos, size;
	bool compressed;
	if (!td_capture_position(&pos, &size, &compressed))
		return;
	if (r->judging) {
		push_work(r, &(struct td_work){ .aux = r->file, .n = { pos, size, compressed } });
		return;
	}
	r->progress.compressed = compressed;
	td_progress_update(&r->progress, r->file, pos, size, r->decided, now());
}

static void on_packet(void *arg, int dlt, uint64_t frame, double ts, const uint8_t *data, size_t caplen,
		      size_t wirelen)
{
	struct run *r = arg;
	struct td_pkt p = { .frame = frame, .ts = ts, .file_index = r->file_index };
	const uint8_t *ip;
	size_t iplen;
	r->sum.packets++;
	r->sum.bytes += wirelen;
	if (caplen < wirelen)
		r->sum.packets_cut++;
	/* The first packet of the next file: the time between the two files
	 * was not captured (a SYN unanswered in the first is not one
	 * unanswered for an hour). */
	if (r->sum.packets > 1 && r->file_index != r->prev_file)
		td_conntrack_next_file(r->ct, r->prev_ts, ts, &r->to);
	r->prev_ts = ts;
	r->prev_file = r->file_index;
	/* Before the packet: a connection that timed out before it arrived
	 * is decided without it, as it would be live. */
	if (ts >= r->next_expire)
		expire(r, ts);
	if (r->progress.out && (r->sum.packets & 1023) == 0)
		show_progress(r);
	if (r->rot.next && r->sum.packets == 1 && !r->o->iface)
		td_rotate_align(&r->rot, ts);
	if (r->rot.next && ts >= r->rot.next)
		rotate_by_time(r, ts);
	if (td_link_decode(dlt, data, caplen, &ip, &iplen) != TD_E_OK)
		return;
	enum td_err e = td_pkt_decode(&p, ip, iplen);
	if (e == TD_E_UNSUPPORTED && p.fragment) {
		/* A later fragment: only libnids can place it. */
		feed_reasm(NULL, &p);
		return;
	}
	if (e != TD_E_OK)
		return;
	struct td_flow *flow = td_conntrack_packet(r->ct, &p, r->file);
	if (!flow)
		return;
	/* Before settling, which may finish and free the flow. */
	hold_packet(r, flow, &(struct td_export_pkt){ .frame = frame, .ts = ts, .file_index = r->file_index,
						      .dlt = dlt, .data = data, .caplen = caplen,
						      .wirelen = wirelen });
	/* libnids saw no SYN: a connection that started before the capture,
	 * or one found by content, whose SYN went to a port not followed. */
	if (flow->facts->tcp.midstream || flow->by_content) {
		td_reasm_midstream(flow, &p);
		td_reasm_skip_unseen(flow, &p);
	}
	feed_reasm(flow, &p);
	td_conntrack_settle(r->ct, flow);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void print_status(struct run *r, double now)
{
	judged_so_far(r);
	struct td_status st = { .now = now, .sum = &r->sum, .decided = r->decided,
				.memory = td_memcap_in_use() };
	r->sum.received = r->counts.received;
	r->sum.dropped = r->counts.dropped;
	r->sum.ifdropped = r->counts.ifdropped;
	td_conntrack_stats(r->ct, &st.ct);
	td_status_print(stderr, &st);
}

/* Between packets: the status line, and live, time passing on an idle link. */
static void on_tick(void *arg, unsigned why, double now)
{
	struct run *r = arg;
	if (why & TD_TICK_STATS)
		print_status(r, now);
	if ((why & TD_TICK_IDLE) && r->o->iface) {
		expire(r, now);
		rotate_by_time(r, now);
	}
	if (why & TD_TICK_REOPEN)
		reopen_export(r, r->rot.name);
}

static void read_live(struct run *r, const struct td_capture_opts *co)
{
	char err[512];
	const struct td_options *o = r->o;
	r->file = o->iface;
	r->sum.files = 1;
	r->sum.live = true;
	enum td_capture_end end = td_capture_live(o->iface, co, err, sizeof(err));
	if (end == TD_CAPTURE_NO_OPEN) {
		/* Nothing was captured: the error is the whole answer. */
		td_error("%s", err);
		r->live_failed = true;
	} else if (end == TD_CAPTURE_BROKEN) {
		td_error("%s: %s", o->iface, err);
		r->sum.files_failed++;
	}
	if (r->sum.packets_cut)
		td_error("warning: %llu packets were longer than the snap length (-s %d) and were cut",
			 (unsigned long long)r->sum.packets_cut, co->snaplen);
}

/* The queue of the judging thread, for td_fatal (libnids out of memory on
 * the reading thread): the connections already queued are reported, and the
 * judging thread is idle, before the exit flushes stdout under it. */
static struct td_workq *g_judging;

static void judged_before_exit(void)
{
	if (!td_workq_on_worker(g_judging))
		td_workq_drain(g_judging);
}

/* Files: the judging of finished connections runs on a thread of its own
 * beside the reading (-j), unless -j 1, or the verdict must reach a
 * reader the moment it is made (-l), or it decides what -w writes (the
 * written packets are the reading thread's). */
static void start_judging(struct run *r)
{
	const struct td_options *o = r->o;
	/* --max-memory: the facts waiting in the queue count against the
	 * cap, so two threads would follow other connections than one. */
	if (o->jobs == 1 || o->write_file || o->line_buffered || o->max_memory_mib != TD_DEFAULT_MAX_MEMORY_MIB)
		return;
	if (o->jobs == 0 && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	r->judging = td_workq_start(JUDGE_QUEUE, judge_work, r);
	g_judging = r->judging;
	if (g_judging)
		td_fatal_hook(judged_before_exit);
}

static void read_inputs(struct run *r, const struct td_capture_opts *co)
{
	char err[512];
	const struct td_options *o = r->o;
	if (o->iface) {
		read_live(r, co);
		return;
	}
	/* -Z with files: they are read with that user's rights. */
	if (o->drop_user && !td_privdrop(o->drop_user, err, sizeof(err))) {
		td_error("%s", err);
		r->live_failed = true;
		return;
	}
	start_judging(r);
	for (int i = 0; i < o->n_files && !td_capture_stopped(); i++) {
		r->file = o->files[i];
		r->file_index = (uint32_t)i;
		r->sum.files++;
		if (td_capture_file(o->files[i], co, err, sizeof(err)) != TD_CAPTURE_DONE) {
			judged_so_far(r);
			td_error("%s: %s", strcmp(o->files[i], "-") ? o->files[i] : "(stdin)", err);
			r->sum.files_failed++;
		}
	}
}

static void collect_stats(struct run *r)
{
	struct td_conntrack_stats cs;
	struct td_reasm_stats rs;
	td_conntrack_stats(r->ct, &cs);
	td_reasm_stats(&rs);
	r->sum.connections = cs.flows;
	r->sum.connections_dropped = cs.dropped_flows + cs.dropped_memory;
	r->sum.connections_dropped_memory = cs.dropped_memory;
	r->sum.stray_packets = cs.stray_packets;
	r->sum.peak_flows = cs.peak;
	r->sum.nids_warnings = rs.warnings;
	r->sum.nids_streams = rs.streams;
	r->sum.nids_evicted = rs.evicted;
	memcpy(r->sum.nids_by_kind, rs.by_kind, sizeof(r->sum.nids_by_kind));
}

/* TLSDIAG_STATS=1: the chain cache's counts on stderr, for measuring
 * (doc/performance.md); the report itself stays as it is. */
static void cache_stats(const struct td_x509_ctx *x)
{
	struct td_x509_cache_stats st;
	const char *env = getenv("TLSDIAG_STATS");
	if (!env || strcmp(env, "1") != 0)
		return;
	td_x509_stats(x, &st);
	fprintf(stderr, "tlsdiag: certificate chains: %llu hits, %llu misses, %llu evicted; verifications: %llu reused, %llu done\n",
		(unsigned long long)st.hits, (unsigned long long)st.misses, (unsigned long long)st.evictions,
		(unsigned long long)st.verify_hits, (unsigned long long)st.verify_misses);
}

/* The default rules (unless --no-default-rules), then every --rules file. */
static struct td_ruleset *load_rules(const struct td_options *o)
{
	char err[512];
	struct td_ruleset *rs = td_rules_new();
	if (!rs) {
		td_error("out of memory");
		return NULL;
	}
	if (!o->no_default_rules && !td_rules_load_default(rs, err, sizeof(err))) {
		td_error("built-in rules: %s", err);
		td_rules_free(rs);
		return NULL;
	}
	for (size_t i = 0; i < o->n_rule_files; i++) {
		if (!td_rules_load_file(rs, o->rule_files[i], err, sizeof(err))) {
			td_error("%s", err);
			td_rules_free(rs);
			return NULL;
		}
	}
	return rs;
}

int td_list_rules(const struct td_options *o)
{
	struct td_ruleset *rs = load_rules(o);
	if (!rs)
		return 2;
	td_rules_list(rs, stdout);
	td_rules_free(rs);
	return 0;
}

/* libnids allocates its stream table up front: a --max-memory below that
 * would follow nothing at all, which is a mistake to say, not to run. */
static bool memory_enough(const struct td_options *o)
{
	size_t used = td_memcap_in_use(), cap = o->max_memory_mib << 20;
	if (!cap || used < cap)
		return true;
	td_error("--max-memory %zu MiB is less than the %zu MiB that --max-connections %zu takes up front: "
		 "raise it or lower --max-connections", o->max_memory_mib, (used >> 20) + 1, o->max_connections);
	return false;
}

/* Would writing path (-w, --html) overwrite one of the inputs (the same
 * file under any name)? */
static bool output_is_input(const struct td_options *o, const char *path)
{
	struct stat w, in;
	if (stat(path, &w) != 0)
		return false;
	for (int i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i], "-") && stat(o->files[i], &in) == 0 && in.st_dev == w.st_dev &&
		    in.st_ino == w.st_ino)
			return true;
	return false;
}

/* A file tlsdiag writes besides the report (-w, --html): not standard
 * output (the report is there) and not one of the inputs. */
static bool output_path_ok(const struct td_options *o, const char *path, const char *opt)
{
	if (strcmp(path, "-") == 0) {
		td_error("%s -: the report is on standard output; give %s a file name", opt, opt);
		return false;
	}
	if (output_is_input(o, path)) {
		td_error("%s: is also an input: %s would overwrite it", path, opt);
		return false;
	}
	return true;
}

/* The names of the inputs, for the files' headers and pages. */
static const char *const *input_names(const struct td_options *o, size_t *n)
{
	*n = o->iface ? 1 : (size_t)o->n_files;
	return o->iface ? &o->iface : (const char *const *)o->files;
}

/* -w: create the file before any input is read, so a bad path fails at
 * once (exit 2, nothing analyzed) rather than after a long analysis. '-'
 * is refused: the report is on standard output. */
static bool open_export(struct run *r)
{
	const struct td_options *o = r->o;
	char err[256];
	if (!o->write_file)
		return true;
	if (!output_path_ok(o, o->write_file, "-w"))
		return false;
	size_t n;
	const char *const *names = input_names(o, &n);
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	td_rotate_init(&r->rot, o->write_file, o->rotate_seconds, (uint64_t)o->rotate_mb << 20, (double)t.tv_sec);
	r->exp = td_export_open(r->rot.name, names, n, o->max_write_packets, err, sizeof(err));
	if (!r->exp) {
		td_error("%s: %s", r->rot.name, err);
		return false;
	}
	return true;
}

/* --html: created before any input is read, like -w's file. */
static bool open_html(struct run *r)
{
	const struct td_options *o = r->o;
	char err[256];
	if (!o->html_file)
		return true;
	if (!output_path_ok(o, o->html_file, "--html"))
		return false;
	size_t n;
	const char *const *names = input_names(o, &n);
	r->html = td_html_open(o->html_file, names, n, err, sizeof(err));
	if (!r->html) {
		td_error("%s: %s", o->html_file, err);
		return false;
	}
	return true;
}

/* --html: the page is written once the summary is known. */
static void close_html(struct run *r)
{
	char err[256];
	if (r->html && !td_html_close(r->html, &r->sum, err, sizeof(err))) {
		td_error("%s: %s", r->o->html_file, err);
		r->write_failed = true;
	}
	r->html = NULL;
}

/* -w: after every flow is finished (so written). A write error is one line,
 * exit 2; the report is still complete. */
static void close_export(struct run *r)
{
	struct td_export_stats st;
	char err[256];
	if (!r->exp)
		return;
	td_export_stats(r->exp, &st);
	r->sum.write_file = r->o->write_file;
	r->sum.written_connections = st.connections;
	r->sum.written_packets = st.packets;
	if (!td_export_close(r->exp, err, sizeof(err)) && !r->write_failed) {
		td_error("%s: %s", r->rot.name, err);
		r->write_failed = r->sum.write_failed = true;
	}
	r->exp = NULL;
}

/* libnids' stream table: as many streams as the capture files can open
 * (counted before reading them), unless --max-connections was given or the
 * input cannot be counted (live, stdin, large files): then --max-connections. */
static int nids_streams(const struct td_options *o)
{
	if (o->iface || o->max_connections_given)
		return (int)o->max_connections;
	return (int)td_presize_streams((const char *const *)o->files, o->n_files, o->max_connections);
}

/* The report goes out in many small pieces: into a file or a pipe, a
 * 256 KiB buffer makes them few write(2)s. A terminal keeps stdio's line
 * buffering, so each connection shows as it is finished. */
static void buffer_stdout(bool line)
{
	static char buf[1 << 18];
	if (line)
		setvbuf(stdout, NULL, _IOLBF, 0); /* -l: as tcpdump's */
	else if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, buf, _IOFBF, sizeof(buf));
}

int td_analyze(const struct td_options *o)
{
	static struct run r;
	char err[256];
	double t0 = now();
	buffer_stdout(o->line_buffered);
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.ladder = (struct td_ladder_style){ .ascii = o->ascii, .color = td_ladder_use_color((enum td_color)o->color) };
	if (!(r.rules = load_rules(o)))
		return 2;
	r.x509 = td_x509_new(&o->x509, err, sizeof(err));
	if (!r.x509) {
		td_error("%s", err);
		td_rules_free(r.rules);
		return 2;
	}
	/* The fingerprints cost a tenth of a connection's analysis; the text
	 * report does not show them. */
	r.lim = (struct td_limits){ .hs_max = o->hs_max, .max_certs = (uint16_t)o->max_certs,
				    .max_bytes = o->max_bytes,
				    .fingerprints = o->json || td_rules_mention(r.rules, "ja3") ||
						    td_rules_mention(r.rules, "ja4") };
	td_memcap_set(o->max_memory_mib << 20);
	r.ct = td_conntrack_new(&o->ports, o->max_connections, &r.lim, on_finish, &r);
	if (!r.ct) {
		td_error("out of memory");
		td_x509_free(r.x509);
		td_rules_free(r.rules);
		return 2;
	}
	if (!td_reasm_init(r.ct, nids_streams(o), err, sizeof(err))) {
		td_error("%s", err);
		td_conntrack_free(r.ct);
		td_x509_free(r.x509);
		td_rules_free(r.rules);
		return 2;
	}
	/* As many IPv6 pairs as connections can be tracked: the table is never
	 * the first to be full, but stays bounded. */
	bool v6_ok = td_reasm_init6(o->max_connections);
	if (!v6_ok)
		td_error("out of memory");
	if (!v6_ok || !memory_enough(o) || !open_export(&r) || !open_html(&r)) {
		td_reasm_exit();
		td_conntrack_free(r.ct);
		td_x509_free(r.x509);
		td_rules_free(r.rules);
		return 2;
	}
	struct td_capture_opts co = { .filter = o->filter, .max_packets = o->count,
				      .packets = &r.packets_total, .snaplen = o->snaplen,
				      .no_promisc = o->no_promisc, .drop_user = o->drop_user,
				      .counts = &r.counts, .on_packet = on_packet, .on_tick = on_tick,
				      .arg = &r };
	/* Live, a decided handshake is reported at once; a file's at its
	 * connection's end, so that its block still lists the packets after
	 * the verdict (the goldens show that the verdicts are the same). */
	r.to = (struct td_timeouts){ .handshake = o->hs_timeout, .idle = o->idle_timeout,
				     .grace = o->iface ? DECIDED_GRACE : 0 };
	r.flush_each = o->iface || o->line_buffered;
	td_capture_signals(o->stats_interval);
	td_progress_init(&r.progress, stderr, o->no_progress || o->iface || o->quiet > 2);
	read_inputs(&r, &co);
	/* libnids hands over what it still holds, then every flow is finished. */
	td_reasm_exit();
	collect_stats(&r);
	td_conntrack_free(r.ct);
	td_fatal_hook(NULL);
	td_workq_stop(r.judging, retire);
	r.judging = g_judging = NULL;
	/* After the judging thread's last progress line. */
	td_progress_clear(&r.progress);
	cache_stats(r.x509);
	td_x509_free(r.x509);
	td_rules_free(r.rules);
	close_export(&r);
	r.sum.seconds = now() - t0;
	if (r.live_failed)
		return 2;
	r.sum.received = r.counts.received;
	r.sum.dropped = r.counts.dropped;
	r.sum.ifdropped = r.counts.ifdropped;
	close_html(&r);
	if (o->json)
		td_report_json_summary(stdout, &r.sum, &r.servers);
	else {
		td_report_text_summary(stdout, &r.sum);
		td_servers_text(stdout, &r.servers, &r.sum);
	}
	fflush(stdout);
	if (r.sum.files_failed || r.write_failed)
		return 2;
	if (o->n_expect)
		return r.any_unexpected ? 1 : 0;
	return r.any_failure ? 1 : 0;
}
