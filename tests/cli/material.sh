#!/usr/bin/env bash
# Materials through the real binary (issue 10): hukou application attach (type by content, the
# name kept sanitised, the same content answered with the material already there, the limits,
# who may), hukou application material (the list, and the bytes written back), supply_material
# with --material, and the exit statuses (2 bad input, 1 refused).
set -euo pipefail
hukou=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/err" >&2; fail "$* exited $got, expected $want"; }
}
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$tmp/out" "$1"; }

db=$tmp/a.db
id=341222199001010112
expect 0 "$hukou" init --db "$db"
echo "{\"id_number\":\"$id\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\"}]}" >"$tmp/p.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"
echo "{\"id_number\":\"$id\",\"kind\":\"permit\",\"target\":\"330402\"}" >"$tmp/permit.json"
expect 0 "$hukou" apply --db "$db" --as "resident:$id" --today 2024-03-05 "$tmp/permit.json"

python3 - "$tmp" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, b): return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) + \
      chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
open(d + "/lease.pdf", "wb").write(png)   # a PNG with a .pdf name
open(d + "/contract.pdf", "wb").write(b"%PDF-1.4\n%%EOF\n")
open(d + "/tool.pdf", "wb").write(b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200)
open(d + "/big.pdf", "wb").write(b"%PDF-1.4\n" + b" " * (1 << 20))
open(d + "/empty.pdf", "wb").write(b"")
PY

expect 0 "$hukou" application attach --db "$db" --as "resident:$id" 1 "$tmp/lease.pdf"
[ "$(field 'd["id"], d["media_type"], d["name"], d["step"]')" = "(1, 'image/png', 'lease.pdf.png', 'submit')" ] || fail "attach: $(cat "$tmp/out")"
sha=$(field 'd["sha256"]')
[ "$sha" = "$(sha256sum "$tmp/lease.pdf" | cut -d' ' -f1)" ] || fail "sha256"
# The same content again: the same material.
expect 0 "$hukou" application attach --db "$db" --as "resident:$id" 1 "$tmp/lease.pdf"
[ "$(field 'd["id"]')" = "1" ] || fail "idempotent: $(cat "$tmp/out")"
# By content: an executable named .pdf is refused, naming what it is.
expect 2 "$hukou" application attach --db "$db" --as "resident:$id" 1 "$tmp/tool.pdf"
grep -q "application/x-dosexec" "$tmp/err" || fail "415 names the type: $(cat "$tmp/err")"
grep -q "FILE" "$tmp/err" || fail "the field is FILE"
expect 2 "$hukou" application attach --db "$db" --as "resident:$id" 1 "$tmp/empty.pdf"
expect 2 "$hukou" application attach --db "$db" --as "resident:$id" --max-mib 1 1 "$tmp/big.pdf"
grep -q "FILE" "$tmp/err" || fail "size: the field is FILE"
expect 2 "$hukou" application attach --db "$db" --as "resident:$id" --step lunch 1 "$tmp/contract.pdf"
grep -q "step" "$tmp/err" || fail "step named"
# Another county's officer: the application does not exist for them.
expect 1 "$hukou" application attach --db "$db" --as officer:330411 1 "$tmp/contract.pdf"
expect 0 "$hukou" application attach --db "$db" --as officer:330402 --name '../扫描/劳动合同.pdf' 1 "$tmp/contract.pdf"
[ "$(field 'd["id"], d["name"], d["uploaded_by"]')" = "(2, '劳动合同.pdf', 'officer:330402')" ] || fail "officer attach: $(cat "$tmp/out")"
# At most --per-application files.
expect 2 "$hukou" application attach --db "$db" --as officer:330402 --per-application 2 1 - <"$tmp/big.pdf"
grep -q "materials" "$tmp/err" || fail "count named"

expect 0 "$hukou" application material --db "$db" --as "resident:$id" 1
[ "$(field '[(m["id"], m["media_type"]) for m in d]')" = "[(1, 'image/png'), (2, 'application/pdf')]" ] || fail "list: $(cat "$tmp/out")"
expect 0 "$hukou" application material --db "$db" --as officer:330402 1 1 --out "$tmp/got"
cmp -s "$tmp/got" "$tmp/lease.pdf" || fail "the bytes written back differ"
"$hukou" application material --db "$db" --as "resident:$id" 1 2 --out - >"$tmp/got2"
cmp -s "$tmp/got2" "$tmp/contract.pdf" || fail "--out - writes the bytes"
expect 1 "$hukou" application material --db "$db" --as officer:330106 1 1 --out "$tmp/x"
[ ! -e "$tmp/x" ] || fail "nothing written when refused"
expect 2 "$hukou" application material --db "$db" 1 2

# Asked for material, the resident supplies what was uploaded.
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-06 1 accept
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-07 --reason "劳动合同" 1 request_material
expect 2 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-07 --material 2 1 accept
expect 0 "$hukou" application act --db "$db" --as "resident:$id" --today 2024-03-08 --material 1 --material 2 1 supply_material
[ "$(field '[m["id"] for m in d["steps"][-1]["materials"]]')" = "[1, 2]" ] || fail "step materials: $(cat "$tmp/out")"
expect 0 "$hukou" application material --db "$db" --as "resident:$id" 1
[ "$(field '[m["step_index"] for m in d]')" = "[3, 3]" ] || fail "step_index: $(cat "$tmp/out")"
expect 0 "$hukou" audit verify --db "$db"
expect 0 "$hukou" application attach --help
grep -q "PDF" "$tmp/out" || fail "help"
echo "material.sh: all checks passed"
