/* Names and descriptions for enum td_err, from the one list in err.def. */
#include "tlsdiag/err.h"

static const char *const err_names[] = {
#define TD_ERR(name, desc) [TD_E_##name] = #name,
#include "tlsdiag/err.def"
#undef TD_ERR
};

static const char *const err_descs[] = {
#define TD_ERR(name, desc) [TD_E_##name] = desc,
#include "tlsdiag/err.def"
#undef TD_ERR
};

const char *td_err_name(enum td_err e)
{
	return (unsigned)e < TD_E__COUNT ? err_names[e] : "UNKNOWN";
}

const char *td_err_str(enum td_err e)
{
	return (unsigned)e < TD_E__COUNT ? err_descs[e] : "unknown error";
}
