/* -Z USER (include/tlsdiag/privdrop.h). The order matters: groups while we
 * are still root (initgroups and setgid need it), the uid last, since after
 * setuid nothing else can be changed. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tlsdiag/privdrop.h"

/* A name first; a number only when no user has it as a name (tcpdump
 * looks names up only, but a uid is handy where no passwd entry exists). */
static struct passwd *lookup(const char *user)
{
	struct passwd *pw = getpwnam(user);
	if (pw)
		return pw;
	char *end;
	errno = 0;
	unsigned long uid = strtoul(user, &end, 10);
	if (end == user || *end || errno || uid > 0x7fffffffUL)
		return NULL;
	return getpwuid((uid_t)uid);
}

bool td_privdrop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw = lookup(user);
	if (!pw) {
		snprintf(err, errlen, "-Z %s: no such user", user);
		return false;
	}
	/* Copied: later lookups (initgroups reads the group file) may reuse
	 * the static passwd entry. */
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	char name[256];
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	if (initgroups(name, gid) != 0) {
		snprintf(err, errlen, "-Z %s: cannot set its groups: %s", user, strerror(errno));
		return false;
	}
	if (setgid(gid) != 0) {
		snprintf(err, errlen, "-Z %s: cannot set group %u: %s", user, (unsigned)gid, strerror(errno));
		return false;
	}
	if (setuid(uid) != 0) {
		snprintf(err, errlen, "-Z %s: cannot set user %u: %s", user, (unsigned)uid, strerror(errno));
		return false;
	}
	/* A partial drop (saved set-user-id still 0) would let an exploit
	 * take root back: make sure it cannot. */
	if (uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		snprintf(err, errlen, "-Z %s: root could be regained after the drop", user);
		return false;
	}
	return true;
}
