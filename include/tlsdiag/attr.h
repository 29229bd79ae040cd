/* Compiler attribute wrappers: the only place that spells __attribute__. */
#ifndef TLSDIAG_ATTR_H
#define TLSDIAG_ATTR_H

#define TD_MUST_USE __attribute__((warn_unused_result))
#define TD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TD_UNUSED __attribute__((unused))
#define TD_NORETURN __attribute__((noreturn))

#define TD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
