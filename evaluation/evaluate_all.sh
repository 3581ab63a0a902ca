#!/usr/bin/env bash
# Reproduce every relation/entity report under evaluation/reports/ for a model (default: the shipped one).
# Usage: bash evaluation/evaluate_all.sh [MODEL_DIR [PAIR_MODEL_DIR]]
# (the second model, default the one-pair-per-pass models/axis-relation-pair, gives the *_pair_model reports)
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/axis-relation}
PAIR=${2:-models/axis-relation-pair}
OUT=evaluation/reports
mkdir -p "$OUT"
SHARED=../shared/corpora
run() {  # name, args...: scores as JSON, then the same scores as a table
  local name=$1; shift
  axis-nlp evaluate relations "$@" --json > "$OUT/$name.json"
  python - "$OUT/$name.json" > "$OUT/$name.txt" <<'PY'
import json, sys
from axis_nlp.metrics import format_scores
s = json.load(open(sys.argv[1]))
print(format_scores(s, f"{s['model']} on {s['corpus']} ({s['sentences']} sentences, {s['pairs']} pairs)"))
PY
}
run relations_axis_dev_model     --corpus corpora/axis/axis_dev.jsonl --model "$MODEL"
run relations_axis_dev_baseline  --corpus corpora/axis/axis_dev.jsonl --baseline
run relations_biored_dev_model   --corpus "$SHARED/biored/Dev.BioC.JSON" --format bioc --model "$MODEL"
run relations_biored_dev_baseline --corpus "$SHARED/biored/Dev.BioC.JSON" --format bioc --baseline
run relations_drugprot_dev_model --corpus "$SHARED/drugprot/development" --format drugprot --limit 250 --model "$MODEL"
run relations_drugprot_dev_full_model --corpus "$SHARED/drugprot/development" --format drugprot --model "$MODEL"
if [ -d "$PAIR" ]; then
  run relations_axis_dev_pair_model     --corpus corpora/axis/axis_dev.jsonl --model "$PAIR"
  run relations_biored_dev_pair_model   --corpus "$SHARED/biored/Dev.BioC.JSON" --format bioc --model "$PAIR"
  run relations_drugprot_dev_pair_model --corpus "$SHARED/drugprot/development" --format drugprot --limit 250 --model "$PAIR"
fi
run relations_drugprot_dev_baseline --corpus "$SHARED/drugprot/development" --format drugprot --limit 250 --baseline
# end to end (entities recognised, not given), as `axis-nlp extract` runs on new text
axis-nlp evaluate triples --corpus corpora/axis/axis_dev.jsonl --model "$MODEL" --json > "$OUT/triples_axis_dev_end_to_end.json"
axis-nlp evaluate triples --corpus corpora/axis/axis_dev.jsonl --model "$MODEL" > "$OUT/triples_axis_dev_end_to_end.txt"
axis-nlp evaluate entities --corpus "$SHARED/biored/Dev.BioC.JSON" --json > "$OUT/entities_biored_dev.json"
axis-nlp evaluate entities --corpus "$SHARED/biored/Dev.BioC.JSON" > "$OUT/entities_biored_dev.txt"
axis-nlp evaluate entities --corpus "$SHARED/biored/Dev.BioC.JSON" --ner-model none --json > "$OUT/entities_biored_dev_lexicon_only.json"
axis-nlp evaluate entities --corpus "$SHARED/biored/Dev.BioC.JSON" --ner-model none > "$OUT/entities_biored_dev_lexicon_only.txt"
axis-nlp evaluate entities --corpus corpora/axis/axis_dev.jsonl --format axis > "$OUT/entities_axis_dev.txt"
axis-nlp evaluate entities --corpus corpora/axis/axis_dev.jsonl --format axis --json > "$OUT/entities_axis_dev.json"
axis-nlp evaluate entities --corpus corpora/axis/axis_dev.jsonl --format axis --ner-model none > "$OUT/entities_axis_dev_lexicon_only.txt"
echo "reports written to $OUT"
