/*
 * version.h - the tool's version (`distrust --version`, the outputs'
 * generator comments, distrust.pc's Version). The Makefile reads it from
 * here.
 */
#ifndef DT_VERSION_H
#define DT_VERSION_H

#define DT_VERSION "0.4.0"

#endif
