/*
 * duration.h - durations as Go's time package reads and writes them
 * ("2s", "500ms", "1h30m", "1.5s"): configtx.yaml's BatchTimeout and
 * TickInterval, and kapply's --timeout.
 */
#ifndef DURATION_H
#define DURATION_H

#include <stdint.h>

#include "base/util.h"

/* Parse into nanoseconds; 0, or -1 for whatever time.ParseDuration refuses. */
int parse_go_duration(const char *s, int64_t *ns);
/* Append Go's Duration.String() of a positive duration: "2s", "1m30s", "1h0m0s". */
void format_go_duration(struct strbuf *sb, uint64_t ns);

#endif
