#include <string.h>
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so encoding.h would pull in the system's ICU headers, which clash
// with the copy Foundation ships (_FoundationICU). We never touch ICU-backed encoding handlers (only
// pointers to them), so hide those declarations.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>

/// `xmlFree` is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void anikura_xml_free(void *pointer) { xmlFree(pointer); }

static inline int anikura_xml_name_is(const xmlChar *name, const char *expected) {
    return strcmp((const char *)name, expected) == 0;
}

static inline int anikura_xml_bytes_are(const xmlChar *name, const char *expected) {
    return name != NULL && strcmp((const char *)name, expected) == 0;
}
