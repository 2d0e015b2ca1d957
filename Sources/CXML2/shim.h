#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>

/// `xmlFree` is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void anikura_xml_free(void *pointer) { xmlFree(pointer); }

static inline int anikura_xml_name_is(const xmlChar *name, const char *expected) {
    return strcmp((const char *)name, expected) == 0;
}

static inline int anikura_xml_bytes_are(const xmlChar *name, const char *expected) {
    return name != NULL && strcmp((const char *)name, expected) == 0;
}
