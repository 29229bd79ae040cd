#!/bin/sh
# txt2c.sh NAME FILE: a text file as a C string constant named NAME, so data
# files the program installs are also built into it.
name=$1
file=$2
echo "/* Generated from $(basename "$file") by build-aux/txt2c.sh: edit that file. */"
# Data files are longer than the 4095 bytes C99 promises; gcc and clang take them.
echo "#pragma GCC diagnostic push"
echo "#pragma GCC diagnostic ignored \"-Woverlength-strings\""
echo "static const char $name[] ="
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$file"
echo ";"
echo "#pragma GCC diagnostic pop"
