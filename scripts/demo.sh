#!/usr/bin/env bash
# Sets up hukou and runs it on its embedded store (SQLite) with the demo population of
# demo/population.jsonl and a generated Zhejiang of 66,270 persons (hukou gen --scale 0.001): a
# fresh database, the imports, a walk through what residents and officers do, applications in
# every state for the demo officer of 南湖区, then the web portal and the HTTP API on
# 127.0.0.1:8080 until Ctrl-C.
# Usage: scripts/demo.sh [--no-serve] [--listen ADDRESS:PORT] [DB]
#        (default DB build-release/demo.db, recreated on every run)
set -euo pipefail
cd "$(dirname "$0")/.."

serve=true listen=127.0.0.1:8080 db=build-release/demo.db
while (($#)); do
  case $1 in
  --no-serve) serve=false ;;
  --listen) listen=${2:?--listen needs ADDRESS:PORT}; shift ;;
  -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
  *) db=$1 ;;
  esac
  shift
done

scripts/setup.sh build-release -DCMAKE_BUILD_TYPE=Release
hukou=build-release/hukou
rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
today=$(date +%F)

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
# A step that is refused: its message, not the engine's whole answer printed with it.
refused() {
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"
  "${@:2}" >/dev/null || true
}
# An application's essentials, not the engine's whole answers (show prints those).
brief() {
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"
  "${@:2}" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
items = doc if isinstance(doc, list) else doc.get("applications", [doc]) if isinstance(doc, dict) else [doc]
keep = ("id", "kind", "pathway", "requested_pathway", "target", "state", "due_on", "decision", "permit_number", "moved_to", "id_masked")
for a in items:
    print(json.dumps({k: a[k] for k in keep if k in a}, ensure_ascii=False))'
}
json() { printf '%s' "$1" >"$db.request.json"; echo "$db.request.json"; }

step "新建数据库 / create the registry" "$hukou" init --db "$db"
step "导入示例人口 / load the demo population" "$hukou" import --db "$db" demo/population.jsonl
# A county's and a city's worth of people, so that the portal's queues, lists, statistics and
# maps look like a real one's: a synthetic Zhejiang at 1/1000 (hukou gen, docs/generator.md).
gen_file="$db.gen.jsonl"
"$hukou" gen --scale 0.001 --seed 1 --out "$gen_file" --quiet
step "导入生成人口（全省千分之一，66,270 人）/ load a generated Zhejiang at 1/1000" "$hukou" import --db "$db" "$gen_file"
step "校验身份证号码 / check ID numbers" "$hukou" id check 341222199001010112 130503670401001 340524198001010013 || true
step "行政区划 / a division" "$hukou" division show 330402
step "一个人的户籍与居住史 / one person with histories" "$hukou" person show --db "$db" 341222199001010112
step "落户与居住证资格 / eligibility from the registry" \
  "$hukou" eval --db "$db" --person 341222199001010112 --target 330402 --explain
step "新来的人申报居住登记（逾期照常受理并标记）/ a newcomer declares residence (late: accepted, flagged)" \
  "$hukou" residence change --db "$db" "$(json '{"id_number":"511621200109090460","division":"330782","address":"义乌市稠城街道工人北路 12 号 301 室","urban":true,"moved_in":"'"$(date -d '-20 days' +%F)"'"}')"
refused "居住证申请：条件未满，说明何时满足 / a permit application refused, saying when it will qualify" \
  "$hukou" apply --db "$db" --as resident:511621200109090460 "$(json '{"id_number":"511621200109090460","kind":"permit","target":"330782","channel":"online"}')" || true
brief "张伟网上申请落户（引擎选择途径）/ 张伟 applies online to settle (the engine picks the pathway)" \
  "$hukou" apply --db "$db" --as resident:341222199001010112 "$(json '{"id_number":"341222199001010112","kind":"settlement","pathway":"best","target":"330402","channel":"online"}')"
brief "南湖区民警的待办 / the workbench of an officer of 南湖区" \
  "$hukou" application list --db "$db" --as officer:330402 --area 330402
brief "受理 / accept" "$hukou" application act --db "$db" --as officer:330402 1 accept
brief "批准（引擎当日复核）/ approve (the engine checks again on the day)" \
  "$hukou" application act --db "$db" --as officer:330402 1 approve
brief "办结：户口迁入南湖区（租房无自有住房，落社区公共户，民警填写社区及其地址；原户户主由年长成员接任；居住登记与居住证同日终止）/ complete: the hukou moves to 南湖区 (renting, no home of his own: the community collective household, whose community and address the officer gives; his old household's headship passes to the eldest member; his residence registration and permit there end that day)" \
  "$hukou" application act --db "$db" --as officer:330402 --community 东栅社区 --address "嘉兴市南湖区东栅街道东栅社区服务中心" 1 complete
# His household's number depends on how many 南湖区 already has (the generated population's).
hh=$("$hukou" application show --db "$db" --as officer:330402 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["moved_to"]["household"])')
step "迁入的户 / the household he joined" "$hukou" household show --db "$db" --as officer:330402 "$hh"

# Electronic certificates (issue 12): the keys that sign them, beside the demo database (new on
# every run, as the database is), his certificates, one as a PDF, verified offline.
keys="$db.keys"
rm -rf "$keys"
step "证照签名密钥 / the certificate signing keys" "$hukou" keys init --dir "$keys"
step "张伟的电子证照（批准落户时签发准予迁入证明）/ his certificates (the settlement approval came with the approval)" \
  "$hukou" cert list --db "$db" --person 341222199001010112 --as resident:341222199001010112
cert=$("$hukou" cert list --db "$db" --person 341222199001010112 --as resident:341222199001010112 |
  python3 -c 'import json, sys
print(next(c["id"] for c in json.load(sys.stdin) if c["type"] == "settlement_approval"))')
step "准予迁入证明 PDF / the settlement approval on paper" \
  "$hukou" cert pdf "$cert" --out "$db.certificate.pdf" --db "$db" --keys "$keys" --as resident:341222199001010112
"$hukou" cert show "$cert" --db "$db" --keys "$keys" --as resident:341222199001010112 --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["qr"])' >"$db.certificate.qr"
"$hukou" keys jwks --dir "$keys" >"$db.jwks.json"
step "离线核验（只用公钥）/ verified offline with the public keys only" \
  "$hukou" cert verify --file "$db.certificate.qr" --keys "$db.jwks.json"

# The demo officer's workbench: applications of generated residents of 南湖区 in every state,
# made and moved through the same services as above (apply and application act), some of them
# filed weeks ago and left, so that they are overdue (docs/services.md, deadlines).
printf '\n\033[1m== 南湖区的各类申请（各种状态，含逾期）/ applications in every state for 南湖区\033[0m\n'
python3 - "$gen_file" >"$db.cands" <<'PY'
import json, sys
# Residents of 南湖区 registered elsewhere: those who might settle here or need a permit.
for line in open(sys.argv[1], encoding="utf-8"):
    p = json.loads(line)
    here = [r for r in p.get("residence", []) if r.get("to") is None and r["division"] == "330402"]
    if here and p["hukou"]["division"] != "330402":
        print(p["id_number"])
PY
# state to reach: how many of each; "overdue" ones are filed 45 days ago and left there.
plan=(submitted:4 submitted-overdue:2 accepted:4 accepted-overdue:2 material_requested:3 approved:3 rejected:3 completed:3 permit:4)
long_ago=$(date -d '-45 days' +%F)
made=0
mapfile -t cands <"$db.cands"
ci=0
for entry in "${plan[@]}"; do
  want=${entry%%:*} n=${entry##*:} got=0
  while ((got < n && ci < ${#cands[@]})); do
    id=${cands[ci]}; ci=$((ci + 1))
    kind=settlement day=$today
    [[ $want == permit ]] && kind=permit
    [[ $want == *-overdue ]] && day=$long_ago
    body='{"id_number":"'$id'","kind":"'$kind'","target":"330402","channel":"online"'
    [[ $kind == settlement ]] && body+=',"pathway":"best"'
    app=$("$hukou" apply --db "$db" --as "resident:$id" --today "$day" - <<<"$body}" 2>/dev/null) || continue
    aid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$app")
    act() { "$hukou" application act --db "$db" --as officer:330402 --today "$day" "$@" >/dev/null; }
    miss() { echo "  第 $aid 号未能到达 $want / no. $aid did not reach $want"; }
    case $want in
    accepted*) act "$aid" accept || miss ;;
    material_requested) act "$aid" accept && act --reason "请补充租赁合同登记证明 / please add the registered lease" "$aid" request_material || miss ;;
    approved) act "$aid" accept && act "$aid" approve || miss ;;
    rejected) act "$aid" accept && act --reason "材料与登记信息不一致 / the papers do not match the registry" "$aid" reject || miss ;;
    completed) act "$aid" accept && act "$aid" approve &&
      act --community 东栅社区 --address "嘉兴市南湖区东栅街道东栅社区服务中心" "$aid" complete || miss ;;
    permit) act "$aid" accept || miss ;;
    esac
    got=$((got + 1)) made=$((made + 1))
  done
done
"$hukou" application list --db "$db" --as officer:330402 --area 330402 --limit 1000 >"$db.list"
python3 - "$db.list" <<'PY'
import collections, json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
apps = doc["applications"] if isinstance(doc, dict) else doc
by = collections.Counter(a["state"] for a in apps)
print("  " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())) + f"; overdue {sum(1 for a in apps if a.get('overdue'))}")
PY
rm -f "$db.cands" "$db.list" "$gen_file"

# Demo accounts for the portal and the HTTP API (demo data only: these passwords are printed below).
demo_pw="demo password"
for a in "admin --role admin" "officer.nanhu --role officer --jurisdiction 330402" \
         "supervisor.jx --role supervisor --jurisdiction 330400" \
         "zhang.wei --role resident --id-number 341222199001010112" "analyst.zj --role analyst"; do
  # shellcheck disable=SC2086
  echo "$demo_pw" | "$hukou" user add $a --password-stdin --db "$db" >/dev/null
done
step "接口账号 / accounts of the HTTP API" "$hukou" user list --db "$db"
step "为方丽发放激活码（她用它自行开通账号）/ an activation code for 方丽 (she opens her own account with it)" \
  "$hukou" user activation-code 341222199203150228 --as officer:330402 --db "$db"
step "嘉兴市人口统计（分县区）/ population of 嘉兴市 by county" "$hukou" stats summary --db "$db" --area 330400
step "审计链 / verify the audit chain" "$hukou" audit verify --db "$db"
rm -f "$db.request.json"

if ! $serve; then
  echo; echo "示例数据库 / demo database: $db"
  exit 0
fi
cat <<MSG

== HTTP 接口 / the HTTP API on http://$listen   (Ctrl-C 停止 / to stop)
   curl http://$listen/healthz
   curl http://$listen/api/v1/divisions/330402
   curl -H 'Content-Type: application/json' -d '{"name":"zhang.wei","password":"$demo_pw"}' http://$listen/api/v1/sessions
   curl -H "Authorization: Bearer TOKEN" "http://$listen/api/v1/persons/341222199001010112/eligibility?target=330402"
     (TOKEN: the "token" the sign-in answered / 登录返回的 token)
   curl -H "Authorization: Bearer TOKEN" http://$listen/api/v1/applications/1   (他的落户申请 / his settlement application)
   officer.nanhu 登录后 / signed in as officer.nanhu:
   curl -H "Authorization: Bearer TOKEN" "http://$listen/api/v1/applications?area=330402"
   curl -H "Authorization: Bearer TOKEN" http://$listen/api/v1/households/$hh
   analyst.zj 登录后 / signed in as analyst.zj:
   curl -H "Authorization: Bearer TOKEN" "http://$listen/api/v1/statistics?area=330400"
   curl -X POST -H 'Content-Type: application/json' --data @demo/situation.json http://$listen/api/v1/eligibility
   API 文档 / the API's description: http://$listen/api/v1/openapi.json

== 门户 / the web portal:  http://$listen/
   示例账号（密码均为 "$demo_pw"）/ demo accounts (password "$demo_pw" for each):
     zhang.wei      居民 resident (341222********0112): #/me
     officer.nanhu  户籍民警 officer of 330402 南湖区: #/officer (the queue, households, registrations)
     supervisor.jx  审核主管 supervisor of 330400 嘉兴市: #/officer, #/dashboard
     analyst.zj     统计分析员 analyst: #/dashboard (map and table of the province, CSV)
     admin          系统管理员 admin: #/admin (accounts)
   证照核验（无需登录）/ verify a certificate (no sign-in): #/verify, with $db.certificate.pdf
   激活账号 / open an account with the code above: #/activate (方丽, 341222199203150228)
MSG
exec "$hukou" serve --db "$db" --listen "$listen" --web build-release/web --keys "$keys"
