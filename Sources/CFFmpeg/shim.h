// libavformat/libavcodec/libavutil for Swift. Function-like macros do not import, so the few we need are
// wrapped in static inline functions.
#ifndef ANIKURA_CFFMPEG_SHIM_H
#define ANIKURA_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/pixdesc.h>

static inline int64_t anikura_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int anikura_averror_eof(void) { return AVERROR_EOF; }
static inline int anikura_averror(int code) { return AVERROR(code); }
static inline AVRational anikura_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline int anikura_pkt_flag_key(void) { return AV_PKT_FLAG_KEY; }

#endif
