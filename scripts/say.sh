# say.sh (sourced): say TEXT prints a heading "== TEXT", in bold on a
# terminal only, and never with NO_COLOR set (https://no-color.org): a log
# or a pipe gets plain text.
if [ -t 1 ] && [ -z "${NO_COLOR+set}" ]; then
    say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    say() { printf '\n== %s\n' "$*"; }
fi
