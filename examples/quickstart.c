/*
 * quickstart.c - the smallest libncdyn program: print the version and show how
 * a status code is reported. Built by `make check` through pkg-config:
 *   cc quickstart.c $(pkg-config --cflags --libs ncdyn)
 */
#include <stdio.h>

#include <ncdyn.h>

int main(void) {
  printf("libncdyn %s (header %d.%d.%d)\n", ncd_version_string(), NCD_VERSION_MAJOR,
         NCD_VERSION_MINOR, NCD_VERSION_PATCH);
  for (int s = NCD_OK; s <= NCD_EFORMAT; s++) printf("  status %d: %s\n", s, ncd_strerror(s));
  return 0;
}
