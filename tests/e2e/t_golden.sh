# Byte-exact expected outputs (regenerated only by `make golden`).
sh "$TOP/tests/e2e/golden.sh"
