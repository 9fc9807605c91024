#!/bin/sh
# Scenario run (what `make run` shows): pvmm boots the default guest
# (configs/default.ini) and its console is shown as it runs.
echo "RESULT run config=$PVMM_CONFIGS/default.ini"
sed 's/^/RESULT run ini| /' "$PVMM_CONFIGS/default.ini"
"$PVMM" run --config "$PVMM_CONFIGS/default.ini" --stats-json /tmp/run.json </dev/null
rc=$?
echo "RESULT run pvmm_exit=$rc"
exit $rc
