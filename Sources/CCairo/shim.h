// Cairo (Debian's libcairo2-dev): its image surface and PNG writer, PDF surface and the text
// API, which finds fonts through fontconfig and draws them with FreeType.
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
