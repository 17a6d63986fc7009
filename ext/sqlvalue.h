/*
** sqlvalue.h — how ext/ functions name an SQL value in an error message.
*/
#ifndef PERFSQL_SQLVALUE_H
#define PERFSQL_SQLVALUE_H

#include "perfsql.h"

/* Sets the error of ctx to "<prefix> <value><suffix>", the value written as
** SQL would show it: text quoted ('abc', truncated to 80 bytes with '...'),
** integers and reals as numbers (Inf, -Inf), NULL, or "a BLOB". */
void sqlvalue_error(sqlite3_context *ctx, const char *prefix, sqlite3_value *v,
                    const char *suffix);

#endif
