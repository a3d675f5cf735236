#!/usr/bin/env bash
# `make demo`: the main job on the sample data — documents, packets, parsing returns, seats.
set -euo pipefail
OUT=${1:-demo-out}
FK=".venv/bin/formkit"
export OMP_THREAD_LIMIT=1
rm -rf "$OUT"
mkdir -p "$OUT/dokumente"

has() { $FK --help | grep -qE "^  $1 "; }

echo "== 1. Zwei Veranstaltungen (layouts/lsz-2018, layouts/lsz-2019): prüfen und Dokumente erzeugen =="
$FK campaign check
for campaign in lsz-2018 lsz-2019; do
  for layout in invitation registration confirmation waitlist; do
    $FK render "$layout" --campaign "$campaign" -o "$OUT/dokumente/$campaign/$layout.pdf"
  done
done
$FK render leitgedanken --campaign lsz-2018 -o "$OUT/dokumente/lsz-2018/leitgedanken.pdf"
$FK render leitgedanken-blank --campaign lsz-2018 -o "$OUT/dokumente/lsz-2018/leitgedanken-blank.pdf"

LIST=samples/recipients.csv
if has packets; then
  echo; echo "== 2. Persönliche Einladungspakete aus der Excel-Liste (verteiler.xlsx, aus samples/recipients.csv) =="
  # The office keeps its list in Excel: a title line above the header, postcodes as numbers.
  .venv/bin/python samples/make_xlsx_list.py "$OUT/verteiler.xlsx"
  LIST="$OUT/verteiler.xlsx"
  $FK packets "$LIST" --campaign lsz-2018 -o "$OUT/pakete" || echo "(einige Zeilen der Liste wurden nicht verarbeitet oder ergänzt, siehe $OUT/pakete/manifest.csv)"
  grep -h "PLZ" "$OUT/pakete/manifest.csv" | head -3 || true
fi

if has parse; then
  echo; echo "== 3. Rückläufer beider Veranstaltungen aus einem Eingang auswerten (samples/returns) =="
  # The office's inbox: the sample returns with the times they arrived (git does not keep file
  # times; faxes and e-mails carry their own, plain files are dated in the registration period).
  mkdir -p "$OUT/eingang"
  cp -r samples/returns/. "$OUT/eingang/"
  i=0
  while IFS= read -r -d '' f; do
    i=$((i + 1))
    case "$f" in */2019/*) month=2019-03 ;; *) month=2018-04 ;; esac
    touch -d "$month-$(printf '%02d' $((3 + i % 8))) $(printf '%02d' $((8 + i % 9))):$(printf '%02d' $((i * 7 % 60)))" "$f"
  done < <(find "$OUT/eingang" -type f -print0 | sort -z)
  $FK parse "$OUT/eingang" --db "$OUT/formkit.sqlite" --csv "$OUT/anmeldungen.csv" \
      --recipients "$LIST" || true
  $FK export --db "$OUT/formkit.sqlite" --csv "$OUT/anmeldungen-excel.csv" --dialect excel-de
  $FK export --db "$OUT/formkit.sqlite" --format xlsx -o "$OUT/anmeldungen.xlsx"
  .venv/bin/python scripts/show_records.py "$OUT/anmeldungen.csv"
fi

if has allocate; then
  echo; echo "== 4. Plätze vergeben und Bestätigungen erzeugen =="
  $FK allocate --db "$OUT/formkit.sqlite"
  $FK confirm --db "$OUT/formkit.sqlite" -o "$OUT/bestaetigungen"
fi

if has send; then
  echo; echo "== 5. Versand per E-Mail, als Probelauf (.eml-Dateien statt SMTP) =="
  # The packets are the 2018 round's; the letters are per campaign (bestaetigungen/<campaign>/).
  $FK send --packets "$OUT/pakete" --recipients "$LIST" --campaign lsz-2018 --db "$OUT/formkit.sqlite" \
      --dry-run "$OUT/mails" | tail -2 || true
  if [ -d "$OUT/bestaetigungen" ]; then
    $FK send --letters "$OUT/bestaetigungen" --db "$OUT/formkit.sqlite" --dry-run "$OUT/mails" | tail -2 || true
  fi
  first=$(find "$OUT/mails" -name '*.eml' | sort | head -1)
  if [ -n "$first" ]; then
    echo "-- $first:"
    .venv/bin/python - "$first" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for h in ("From", "To", "Subject"):
    print(f"{h}: {m[h]}")
print("Anhang:", ", ".join(a.get_filename() for a in m.iter_attachments()))
PY
  fi
fi

echo
echo "Fertig. Alle Ergebnisse liegen in: $(cd "$OUT" && pwd)"
find "$OUT" -maxdepth 2 -type f \( -name '*.pdf' -o -name '*.csv' -o -name '*.sqlite' -o -name '*.xlsx' \) | sort | head -40
echo "E-Mails (Probelauf): $(find "$OUT/mails" -name '*.eml' 2>/dev/null | wc -l) .eml-Dateien in $OUT/mails"
