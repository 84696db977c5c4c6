#!/usr/bin/env bash
# summary.sh SUMMARY - prints the totals of every tier as the closing line.
set -u
f=$1
[ -f "$f" ] || { echo "0 passed, 1 failed"; exit 1; }
awk '{p+=$3; f+=$4; t[$1]+=$3} END {for (k in t) printf "  %-10s %d passed\n", k, t[k]; printf "%d passed, %d failed\n", p, f; exit (f>0)}' "$f"
