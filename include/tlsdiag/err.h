/* One error enum for the whole program, built from err.def. */
#ifndef TLSDIAG_ERR_H
#define TLSDIAG_ERR_H

enum td_err {
#define TD_ERR(name, desc) TD_E_##name,
#include "tlsdiag/err.def"
#undef TD_ERR
	TD_E__COUNT
};

const char *td_err_name(enum td_err e);
const char *td_err_str(enum td_err e);

#endif
