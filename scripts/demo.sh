#!/usr/bin/env bash
# `make demo`: the main job on the sample data — documents, packets, parsing returns, seats.
set -euo pipefail
OUT=${1:-demo-out}
FK=".venv/bin/formkit"
export OMP_THREAD_LIMIT=1
rm -rf "$OUT"
mkdir -p "$OUT/dokumente"

has() { $FK --help | grep -qE "^  $1 "; }

echo "== 1. Dokumente aus den Layouts =="
for layout in invitation registration leitgedanken leitgedanken-blank; do
  $FK render "$layout" -o "$OUT/dokumente/$layout.pdf"
done

if has packets; then
  echo; echo "== 2. Persönliche Einladungspakete (samples/recipients.csv) =="
  $FK packets samples/recipients.csv -o "$OUT/pakete" || echo "(einige Zeilen der Liste wurden nicht verarbeitet, siehe oben)"
fi

if has parse; then
  echo; echo "== 3. Rückläufer auswerten (E-Mail-PDFs und Faxe in samples/returns) =="
  $FK parse samples/returns --db "$OUT/formkit.sqlite" --csv "$OUT/anmeldungen.csv" \
      --recipients samples/recipients.csv || true
  $FK export --db "$OUT/formkit.sqlite" --csv "$OUT/anmeldungen-excel.csv" --dialect excel-de
  .venv/bin/python scripts/show_records.py "$OUT/anmeldungen.csv"
fi

if has allocate; then
  echo; echo "== 4. Plätze vergeben und Bestätigungen erzeugen =="
  $FK allocate --db "$OUT/formkit.sqlite"
  $FK confirm --db "$OUT/formkit.sqlite" -o "$OUT/bestaetigungen"
fi

echo
echo "Fertig. Alle Ergebnisse liegen in: $(cd "$OUT" && pwd)"
find "$OUT" -maxdepth 2 -type f \( -name '*.pdf' -o -name '*.csv' -o -name '*.sqlite' \) | sort | head -40
